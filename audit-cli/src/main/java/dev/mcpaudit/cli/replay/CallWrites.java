package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.cli.AwsOperation;
import dev.mcpaudit.fixtures.replay.Fixture;
import java.util.Optional;

/**
 * Whether a recorded call may change something in AWS, by the report's rule ({@link AwsOperation};
 * schema/FORMAT.md "Reads and writes"), with the reason in words: {@code s3 ls: a read},
 * {@code ec2 terminate-instances: a write}, {@code aws___run_script: code cannot be proven read-only}.
 */
public record CallWrites(boolean writes, String reason) {

    /** Classifies a call from its method, tool and (redacted) arguments as recorded. */
    public static CallWrites of(String method, String tool, JsonNode args) {
        if (!Fixture.Call.TOOLS_CALL.equals(method)) {
            return new CallWrites(false, method + ": not a tool call, so not a write");
        }
        if (AwsOperation.RUN_SCRIPT.equals(tool)) {
            return new CallWrites(true, tool + ": code cannot be proven read-only");
        }
        Optional<AwsOperation> op = AwsOperation.ofCall(tool, args);
        if (op.isEmpty()) {
            return AwsOperation.CALL_AWS.equals(tool)
                    ? new CallWrites(false, tool + ": names no AWS operation")
                    : new CallWrites(false, tool + ": not an AWS CLI command or script, so not a write");
        }
        if (AwsOperation.PURGED.equals(op.get())) {
            return new CallWrites(true, tool + ": its command was purged, so nothing shows it was only a read");
        }
        boolean writes = AwsOperation.isWrite(tool, op);
        return new CallWrites(writes, op.get().name() + (writes ? ": a write" : ": a read"));
    }
}
