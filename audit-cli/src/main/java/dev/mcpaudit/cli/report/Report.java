package dev.mcpaudit.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The compliance report for one scope of the audit log: who called what, when, where and with what
 * outcome, and whether the chain verifies. Built by {@link ReportBuilder} with a handful of
 * aggregate queries; rendered by {@link ReportMarkdown}, {@link ReportHtml}, {@link ReportJson} and
 * {@link ReportCsv}. Times are as stored (UTC, milliseconds).
 *
 * @param firstCall null when no call matches the scope
 */
record Report(
        String generatedAt,
        String database,
        String logId,
        Scope scope,
        String firstCall,
        String lastCall,
        Counts totals,
        List<AccountRow> accounts,
        List<RefusedProfileRow> refusedProfiles,
        List<ActivityRow> activity,
        List<OperationRow> operations,
        List<ServiceRow> services,
        Listing<SessionRow> sessions,
        Timeline timeline,
        Listing<CallRow> mutatingCalls,
        Listing<CallRow> deniedCalls,
        Listing<PurgeRow> purges,
        Verification verification,
        Listing<ApprovalRow> protectedWrites) {

    /** A report without the section on approvals; {@link #withProtectedWrites} adds it. */
    Report(String generatedAt, String database, String logId, Scope scope, String firstCall, String lastCall,
            Counts totals, List<AccountRow> accounts, List<RefusedProfileRow> refusedProfiles,
            List<ActivityRow> activity, List<OperationRow> operations, List<ServiceRow> services,
            Listing<SessionRow> sessions, Timeline timeline, Listing<CallRow> mutatingCalls,
            Listing<CallRow> deniedCalls, Listing<PurgeRow> purges, Verification verification) {
        this(generatedAt, database, logId, scope, firstCall, lastCall, totals, accounts, refusedProfiles, activity,
                operations, services, sessions, timeline, mutatingCalls, deniedCalls, purges, verification,
                new Listing<>(0, List.of()));
    }

    /** This report with its section "Writes on protected profiles" ({@link ReportApprovals}). */
    Report withProtectedWrites(Listing<ApprovalRow> rows) {
        return new Report(generatedAt, database, logId, scope, firstCall, lastCall, totals, accounts, refusedProfiles,
                activity, operations, services, sessions, timeline, mutatingCalls, deniedCalls, purges, verification,
                rows);
    }

    static final String OK = "ok";
    static final String DENIED = "denied";
    static final String INCOMPLETE = "incomplete";

    boolean empty() {
        return totals.calls() == 0;
    }

    /** This report with {@code v} as its verification. */
    Report withVerification(Verification v) {
        return new Report(generatedAt, database, logId, scope, firstCall, lastCall, totals, accounts, refusedProfiles,
                activity,
                operations, services, sessions, timeline, mutatingCalls, deniedCalls, purges, v, protectedWrites);
    }

    /**
     * For a report on one profile: the refused values that differ from it only in case or surrounding
     * whitespace ("PROD", "prod "), which the scope took in as attempts at that profile.
     */
    List<RefusedProfileRow> lookAlikes() {
        if (scope.profile() == null) {
            return List.of();
        }
        return refusedProfiles.stream().filter(p -> !p.value().equals(scope.profile())).toList();
    }

    /** "no calls match profile prod, since …" */
    String noCallsMessage() {
        return "no calls match " + scope.description();
    }

    /** What was asked for; null fields were not given. */
    record Scope(String profile, String account, String session, String since, String until, String description) {}

    /**
     * Calls by outcome. {@code errors} are {@code tool_error}, {@code error}, {@code timeout} and
     * {@code cancelled}; {@code mutating} are the calls that may have changed something in AWS and
     * were sent upstream (denied attempts never were, and are counted under {@code denied} only).
     */
    record Counts(long calls, long ok, long errors, long denied, long incomplete, long mutating) {
        static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0);

        Counts plus(Counts o) {
            return new Counts(calls + o.calls, ok + o.ok, errors + o.errors, denied + o.denied,
                    incomplete + o.incomplete, mutating + o.mutating);
        }

        static Counts of(String outcome, boolean mutating, long n) {
            if (OK.equals(outcome)) {
                return new Counts(n, n, 0, 0, 0, mutating ? n : 0);
            }
            if (DENIED.equals(outcome)) {
                return new Counts(n, 0, 0, n, 0, 0);
            }
            if (INCOMPLETE.equals(outcome)) {
                return new Counts(n, 0, 0, 0, n, mutating ? n : 0);
            }
            return new Counts(n, 0, n, 0, 0, mutating ? n : 0);
        }
    }

    /** One profile and account: the "where". */
    record AccountRow(String profile, String accountId, Counts counts, String firstCall, String lastCall) {}

    /**
     * A refused {@code aws_profile} value: what an agent asked for that is not an allowed profile
     * ({@code "prod "}, {@code "PROD"}), with its denied attempts. Never a profile: it has no row in the
     * per-profile tables, and its attempts are counted under {@code denied} only.
     */
    record RefusedProfileRow(String value, long attempts, String firstAttempt, String lastAttempt) {
        /** The value as a JSON string literal, so that whitespace, case and control characters show. */
        String quoted() {
            return dev.mcpaudit.cli.JsonText.quoted(value);
        }
    }

    /**
     * One profile, account, tool and operation: the finest grain the report keeps (and the CSV's rows).
     * Denied attempts with a refused aws_profile value have {@code profile} null and the value in
     * {@code refusedProfile}: they count in the operation and service tables, never under a profile.
     */
    record ActivityRow(String profile, String refusedProfile, String accountId, String tool, String service, String operation,
            boolean mutating, Counts counts, String firstCall, String lastCall) {}

    /**
     * One AWS operation ({@code service} and {@code operation} parsed from {@code cli_command}), or one
     * other tool (service and operation null) across the scope, with the profiles that used it.
     */
    record OperationRow(String tool, String service, String operation, boolean mutating, Counts counts,
            List<String> profiles) {
        String label() {
            return label(tool, service, operation);
        }

        /** "service operation", the service alone, or for other tools the tool's name. */
        static String label(String tool, String service, String operation) {
            if (service == null) {
                return tool == null ? "(no tool)" : tool;
            }
            return operation == null || operation.isEmpty() ? service : service + " " + operation;
        }
    }

    /** One AWS service ({@code s3api}, {@code ec2}); calls through other tools are not counted here. */
    record ServiceRow(String service, Counts counts, int operations) {}

    /** What a session without a session.ended event says about how it ended. */
    static final String NO_SESSION_ENDED = "no session.ended: the proxy was killed or lost the log";

    /**
     * One proxy run with calls in scope: the "who". {@code endedBy} is its session.ended's
     * {@code ended_by} ({@code stdin_closed}, {@code SIGTERM}, …), null when it has none. Other fields
     * the log does not hold are null.
     */
    record SessionRow(String sessionId, String client, String clientVersion, String host, String osUser,
            String proxyVersion, String startedAt, long calls, String firstCall, String lastCall, String endedBy) {
        boolean cleanEnd() {
            return endedBy != null;
        }

        /** "clean (stdin_closed)" or the sentence for a session that has no session.ended. */
        @com.fasterxml.jackson.annotation.JsonProperty("end")
        String end() {
            return endedBy == null ? NO_SESSION_ENDED : "clean (" + endedBy + ")";
        }

        String clientLabel() {
            if (client == null) {
                return null;
            }
            return clientVersion == null ? client : client + " " + clientVersion;
        }
    }

    /** Calls per {@code unit} ({@code hour}, {@code day} or {@code week}), gaps included, oldest first. */
    record Timeline(String unit, List<Bucket> buckets) {
        long maxTotal() {
            return buckets.stream().mapToLong(Bucket::total).max().orElse(0);
        }
    }

    /** @param start stored-form UTC time at which the bucket begins */
    record Bucket(String start, long ok, long errors, long denied, long incomplete) {
        long total() {
            return ok + errors + denied + incomplete;
        }
    }

    /**
     * One write on a --confirm-writes profile and its approval ({@code call.approval}): {@code approval}
     * approved, declined or unasked; {@code decision} as recorded; {@code client} who answered;
     * {@code operation} as in {@link CallRow}, {@code args} the redacted arguments.
     */
    record ApprovalRow(String time, String profile, String accountId, String tool, String operation, JsonNode args,
            String approval, String decision, String client, String reason, Number answerMs, String callId) {}

    /** The first rows of a longer list, oldest first; {@code total} counts them all. */
    record Listing<T>(long total, List<T> rows) {
        long notListed() {
            return total - rows.size();
        }
    }

    /**
     * One listed call. {@code operation} is "service operation" for {@code aws___call_aws}, else
     * empty; {@code args} the redacted arguments as recorded; {@code detail} the error or, for a
     * denied attempt, the reason. {@code profileRefused}: {@code profile} is the refused
     * {@code aws_profile} value the denied call asked for.
     */
    record CallRow(String time, String profile, String accountId, String region, String tool, String operation,
            String outcome, JsonNode args, String detail, String sessionId, String callId, boolean profileRefused) {
        /** The profile, or for a refused aws_profile value {@code refused "prod "}: never read as the profile. */
        String profileLabel() {
            return profileRefused ? "refused " + dev.mcpaudit.cli.JsonText.quoted(profile) : profile;
        }
    }

    /**
     * A payload replaced by {@code audit-cli purge}, for an event of a call (or session) in scope: when
     * and by whom ({@code time}, {@code osUser}, the payload.purged event at {@code purgeSeq}), why, and
     * which values of which event ({@code seq}, {@code type}).
     */
    record PurgeRow(String time, long purgeSeq, long seq, String type, String callId, List<String> pointers,
            String reason, String osUser) {}

    /**
     * The chain verdict over the whole log (every event, seq {@code firstSeq} to {@code lastSeq}).
     * {@code coversPeriod}: the calls reported all lie within the verified range.
     */
    record Verification(boolean performed, boolean intact, long eventsChecked, long firstSeq, long lastSeq,
            String firstTime, String lastTime, boolean coversPeriod, CheckpointInfo checkpoint,
            long problemsTotal, List<Problem> problems, long purges) {}

    record CheckpointInfo(long seq, String hash, String signedAt, String keyId) {}

    record Problem(long seq, String kind, String detail) {}
}
