package dev.mcpaudit.schema;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;

/**
 * A signed statement "log L had hash H at seq N, at time T". Kept outside the database, it lets a
 * verifier detect what a hash chain alone cannot: the newest events removed, or the whole chain
 * recomputed by someone with write access. Text format (schema/FORMAT.md):
 *
 * <pre>
 * mcp-audit-proxy checkpoint v1
 * log_id 6f1c…
 * seq 1042
 * hash 9a0b…
 * time 2026-11-26T20:11:03.123Z
 *
 * — 1a2b3c4d5e6f7a8b MEUCIQ…
 * </pre>
 *
 * The Ed25519 signature covers the five body lines, each ending in a newline.
 */
public record Checkpoint(String logId, long seq, String hash, String time, String keyId, String signature) {
    private static final String HEADER = "mcp-audit-proxy checkpoint v1";
    private static final String SIGNATURE_MARK = "— ";

    /** Signs the given head of the given log. */
    public static Checkpoint sign(String logId, ChainHead head, String time, PrivateKey key, PublicKey publicKey) {
        String body = body(logId, head.seq(), head.hash(), time);
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(body.getBytes(StandardCharsets.UTF_8));
            return new Checkpoint(logId, head.seq(), head.hash(), time, CheckpointKeys.keyId(publicKey),
                    Base64.getEncoder().encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key (Ed25519 expected): " + e.getMessage(), e);
        }
    }

    /** True when the signature verifies with this public key and the key id matches it. */
    public boolean signatureValid(PublicKey publicKey) {
        if (!CheckpointKeys.keyId(publicKey).equals(keyId)) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(publicKey);
            verifier.update(body(logId, seq, hash, time).getBytes(StandardCharsets.UTF_8));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public String toText() {
        return body(logId, seq, hash, time) + "\n" + SIGNATURE_MARK + keyId + " " + signature + "\n";
    }

    /** Parses the text format; throws {@link IllegalArgumentException} naming the first bad line. */
    public static Checkpoint parse(String text) {
        List<String> lines = text.replace("\r\n", "\n").lines().toList();
        if (lines.size() < 7 || !lines.get(0).equals(HEADER)) {
            throw new IllegalArgumentException("not an mcp-audit-proxy checkpoint: the first line must be '" + HEADER + "'");
        }
        String logId = field(lines, 1, "log_id");
        long seq;
        try {
            seq = Long.parseLong(field(lines, 2, "seq"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("checkpoint line 3: seq is not a number");
        }
        String hash = field(lines, 3, "hash");
        if (!ChainHash.isHash(hash)) {
            throw new IllegalArgumentException("checkpoint line 4: hash is not 64 lowercase hex digits");
        }
        String time = field(lines, 4, "time");
        if (!lines.get(5).isEmpty() || !lines.get(6).startsWith(SIGNATURE_MARK)) {
            throw new IllegalArgumentException("checkpoint lines 6-7: expected an empty line, then '— KEYID SIGNATURE'");
        }
        String[] sig = lines.get(6).substring(SIGNATURE_MARK.length()).split(" ");
        if (sig.length != 2) {
            throw new IllegalArgumentException("checkpoint line 7: expected '— KEYID SIGNATURE'");
        }
        return new Checkpoint(logId, seq, hash, time, sig[0], sig[1]);
    }

    private static String field(List<String> lines, int index, String name) {
        String line = lines.get(index);
        if (!line.startsWith(name + " ")) {
            throw new IllegalArgumentException("checkpoint line " + (index + 1) + ": expected '" + name + " …'");
        }
        return line.substring(name.length() + 1);
    }

    private static String body(String logId, long seq, String hash, String time) {
        return HEADER + "\nlog_id " + logId + "\nseq " + seq + "\nhash " + hash + "\ntime " + time + "\n";
    }
}
