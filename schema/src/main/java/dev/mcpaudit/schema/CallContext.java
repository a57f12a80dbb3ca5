package dev.mcpaudit.schema;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the appender's one redaction pass must know about a call event that its raw payload does not
 * say (see {@link EventAppender}). It carries no payload field of its own: everything stored is
 * computed from the redacted payload.
 *
 * @param fingerprintArgs store {@code args_fingerprint}, the SHA-256 of the redacted {@code args}
 *     (RFC 8785 canonical), as {@code call.requested} and {@code call.rejected} do
 * @param resultTool with {@code resultArgs}: the call whose result the payload's {@code result} is, so
 *     that what its AWS CLI operation returns in sensitive members is hidden too (null: none)
 * @param resultArgs that call's arguments, as forwarded (raw: only read, never stored)
 * @param maxResultBytes the longest {@code result} kept, in canonical UTF-8 bytes; a longer one is cut
 *     after redaction and marked {@code result_truncated}. Negative: never cut
 */
public record CallContext(boolean fingerprintArgs, String resultTool, JsonNode resultArgs, int maxResultBytes) {

    /** Nothing beyond the payload: redacted by its fields alone (every event not about a call's arguments or result). */
    public static final CallContext NONE = new CallContext(false, null, null, -1);

    /** {@code call.requested} and {@code call.rejected}: the arguments, if any, are fingerprinted once redacted. */
    public static CallContext arguments() {
        return new CallContext(true, null, null, -1);
    }

    /** {@code call.completed} of a call with this tool and these arguments, its result kept up to {@code maxResultBytes}. */
    public static CallContext resultOf(String tool, JsonNode args, int maxResultBytes) {
        return new CallContext(false, tool, args, maxResultBytes);
    }
}
