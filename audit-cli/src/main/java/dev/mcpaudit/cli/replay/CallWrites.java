package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.schema.writes.WriteRules;

/**
 * Whether a recorded call may change something in AWS, by the one shared rule ({@link WriteRules};
 * schema/FORMAT.md "Reads and writes"), with the reason in words: {@code s3 ls: a read},
 * {@code ec2 terminate-instances: a write}, {@code aws___run_script: code cannot be proven read-only}.
 */
public record CallWrites(boolean writes, String reason) {

    /** Classifies a call from its method, tool and (redacted) arguments as recorded. */
    public static CallWrites of(String method, String tool, JsonNode args) {
        if (!Fixture.Call.TOOLS_CALL.equals(method)) {
            return new CallWrites(false, method + ": not a tool call, so not a write");
        }
        WriteRules.Verdict verdict = WriteRules.classify(tool, args, null); // the log does not carry readOnlyHint
        return new CallWrites(verdict.write(), verdict.reason());
    }
}
