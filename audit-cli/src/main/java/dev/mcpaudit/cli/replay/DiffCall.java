package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.schema.writes.AwsOperation;
import dev.mcpaudit.fixtures.replay.Fixture;
import java.util.Optional;

/**
 * One call as {@code audit-cli diff} compares it, whether it came from the log or from a fixture.
 *
 * @param index     1-based position on its side ({@code A#3})
 * @param seq       the seq of the call's first event in its log
 * @param subject   the tool for {@code tools/call}, else the target (uri, prompt name, completion ref)
 * @param args      the arguments as recorded (redacted); null when there were none
 * @param result    the recorded result body; null when it was not recorded
 * @param operation the AWS CLI operation of an {@code aws___call_aws} call ({@code ec2 describe-instances}), else null
 * @param write     whether the call may have changed something ({@link AwsOperation}'s rule)
 * @param approval  from a log: the user's decision on it ({@code approved}, {@code declined}, {@code unasked}) or
 *                  {@link #NOT_ASKED}; null from a fixture, which does not carry approvals
 */
record DiffCall(int index, long seq, String method, String subject, String profile, String accountId, String region,
        JsonNode args, String outcome, String error, String resultSha256, JsonNode result, String operation, boolean write,
        String approval) {
    /** A logged call without a {@code call.approval}: its profile was not protected, or it was a read. */
    static final String NOT_ASKED = "not asked";

    static DiffCall of(int index, long seq, String method, String subject, String profile, String accountId, String region,
            JsonNode args, String outcome, String error, String resultSha256, JsonNode result) {
        return of(index, seq, method, subject, profile, accountId, region, args, outcome, error, resultSha256, result, null);
    }

    static DiffCall of(int index, long seq, String method, String subject, String profile, String accountId, String region,
            JsonNode args, String outcome, String error, String resultSha256, JsonNode result, String approval) {
        String tool = Fixture.Call.TOOLS_CALL.equals(method) ? subject : null;
        Optional<AwsOperation> op = tool == null ? Optional.empty() : AwsOperation.ofCall(tool, args);
        boolean write = tool != null && AwsOperation.isWrite(tool, op);
        return new DiffCall(index, seq, method, subject, profile, accountId, region, args, outcome, error, resultSha256, result,
                op.map(AwsOperation::name).orElse(null), write, approval);
    }

    /** What may be paired with what: two calls are one changed call only if this is equal. */
    String callName() {
        return Fixture.Call.TOOLS_CALL.equals(method) ? String.valueOf(subject) : method + " " + subject;
    }

    /** {@code aws___call_aws ec2 describe-instances}, {@code resources/read aws://docs/readme}. */
    String label() {
        return operation == null ? callName() : callName() + " " + operation;
    }

    DiffCall withBodies(JsonNode newArgs, JsonNode newResult) {
        return new DiffCall(index, seq, method, subject, profile, accountId, region, newArgs, outcome, error, resultSha256,
                newResult, operation, write, approval);
    }
}
