package dev.mcpaudit.schema.query;

import dev.mcpaudit.schema.EventTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which calls to look at, as SQL over the {@code calls} view. Null fields do not filter. {@code tool}
 * may be a glob ({@code aws___*}). {@code outcome} is a {@link CallOutcome} wire name. {@code writes}
 * keeps mutating calls only, as the {@link WriteClassifier} given to {@link CallQueries} decides.
 * {@code since} is inclusive, {@code until} exclusive.
 */
public record CallFilter(String profile, String account, String tool, String session, String outcome,
        Instant since, Instant until, boolean writes) {

    public static final CallFilter ALL = new CallFilter(null, null, null, null, null, null, null, false);

    /** " WHERE …" (or "") with its parameters appended to {@code params}. */
    String where(List<Object> params) {
        List<String> clauses = new ArrayList<>();
        add(clauses, params, "profile = ?", profile);
        add(clauses, params, "account_id = ?", account);
        if (tool != null) {
            boolean glob = tool.indexOf('*') >= 0 || tool.indexOf('?') >= 0;
            add(clauses, params, glob ? "tool GLOB ?" : "tool = ?", tool);
        }
        add(clauses, params, "session_id = ?", session);
        add(clauses, params, "outcome = ?", outcome);
        add(clauses, params, "started_at >= ?", since == null ? null : EventTime.format(since));
        add(clauses, params, "started_at < ?", until == null ? null : EventTime.format(until));
        if (writes) {
            clauses.add(CallQueries.IS_WRITE + "(tool, args)");
        }
        return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
    }

    private static void add(List<String> clauses, List<Object> params, String clause, Object value) {
        if (value != null) {
            clauses.add(clause);
            params.add(value);
        }
    }

    /** A one-line description for report headers and "nothing matched" messages. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (profile != null) parts.add("profile " + profile);
        if (account != null) parts.add("account " + account);
        if (tool != null) parts.add("tool " + tool);
        if (session != null) parts.add("session " + session);
        if (outcome != null) parts.add("outcome " + outcome);
        if (since != null) parts.add("since " + EventTime.format(since));
        if (until != null) parts.add("until " + EventTime.format(until));
        if (writes) parts.add("mutating calls only");
        return parts.isEmpty() ? "all calls" : String.join(", ", parts);
    }
}
