package dev.mcpaudit.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which calls a command looks at, as SQL over the {@code calls} read model. Null fields do not
 * filter. {@code tool} may be a glob ({@code aws___*}). {@code writes} keeps mutating calls only
 * (see {@link AwsOperation}), through the SQL function {@link CallsDb#IS_WRITE}.
 */
record CallFilter(String profile, String account, String tool, String session, String outcome,
        Instant since, Instant until, boolean writes) {

    static final CallFilter ALL = new CallFilter(null, null, null, null, null, null, null, false);

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
        add(clauses, params, "started_at >= ?", since == null ? null : TimeArgs.stored(since));
        add(clauses, params, "started_at < ?", until == null ? null : TimeArgs.stored(until));
        if (writes) {
            clauses.add(CallsDb.IS_WRITE + "(tool, args)");
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
    String describe() {
        List<String> parts = new ArrayList<>();
        if (profile != null) parts.add("profile " + profile);
        if (account != null) parts.add("account " + account);
        if (tool != null) parts.add("tool " + tool);
        if (session != null) parts.add("session " + session);
        if (outcome != null) parts.add("outcome " + outcome);
        if (since != null) parts.add("since " + TimeArgs.stored(since));
        if (until != null) parts.add("until " + TimeArgs.stored(until));
        if (writes) parts.add("mutating calls only");
        return parts.isEmpty() ? "all calls" : String.join(", ", parts);
    }
}
