package dev.mcpaudit.schema.query;

/**
 * What upstream answered to {@code initialize} or to a cursor-less {@code tools/list}, as the proxy
 * recorded it ({@code upstream.initialized}, {@code tools.listed}).
 *
 * @param method       {@code initialize} or {@code tools/list}
 * @param profile      the profile whose upstream session answered
 * @param resultSha256 SHA-256 of the RFC 8785 form of the result as received (before redaction)
 * @param result       the result as stored (redacted), JSON text
 */
public record UpstreamAnswer(String method, String profile, String resultSha256, String result) {
    public static final String INITIALIZE = "initialize";
    public static final String TOOLS_LIST = "tools/list";
}
