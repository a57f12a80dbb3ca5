package dev.mcpaudit.schema.redact;

import dev.mcpaudit.schema.AuditLogException;
import dev.mcpaudit.schema.AuditLogException.Reason;
import dev.mcpaudit.schema.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-log HMAC key behind redaction fingerprints. It lives in its own owner-only file beside
 * the database ({@code audit.db.fingerprint-key}), never in it: whoever holds only the log sees that
 * two calls used the same secret but cannot test guesses against the fingerprints.
 */
public final class FingerprintKey {
    public static final String FILE_SUFFIX = ".fingerprint-key";
    private static final int KEY_BYTES = 32;
    /** 48 bits: collisions between different secrets of one log are negligible, and markers stay short. */
    private static final int FINGERPRINT_BYTES = 6;

    private final byte[] key;
    private final Path file;
    private final ThreadLocal<Mac> macs;

    private FingerprintKey(byte[] key, Path file) {
        this.key = key;
        this.file = file;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    public static Path fileFor(Path database) {
        Path db = database.toAbsolutePath();
        return db.resolveSibling(db.getFileName() + FILE_SUFFIX);
    }

    /** The log's key, created (0600, never replacing one another process just wrote) if there is none. */
    public static FingerprintKey loadOrCreate(Path database) {
        Path file = fileFor(database);
        Optional<FingerprintKey> existing = loadIfPresent(database);
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] fresh = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(fresh);
        Path temp = null;
        try {
            temp = OwnerOnlyFiles.createTempFile(file.getParent(), ".fingerprint-key", ".tmp");
            Files.writeString(temp, Base64.getEncoder().encodeToString(fresh) + "\n");
            // A hard link fails if the name exists, so two processes creating a log at once agree on one key.
            Files.createLink(file, temp);
            return new FingerprintKey(fresh, file);
        } catch (FileAlreadyExistsException raced) {
            return loadIfPresent(database).orElseThrow(() -> unreadable(file, "it vanished while being created"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new AuditLogException(Reason.UNAVAILABLE, "cannot create the redaction fingerprint key " + file + " ("
                    + e.getMessage() + "); make its directory writable by this user.");
        } finally {
            deleteQuietly(temp);
        }
    }

    /** The log's key if its file exists; a damaged file is an error, never silently replaced. */
    public static Optional<FingerprintKey> loadIfPresent(Path database) {
        Path file = fileFor(database);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw unreadable(file, e.getMessage());
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw unreadable(file, "it is not base64");
        }
        if (key.length != KEY_BYTES) {
            throw unreadable(file, "it holds " + key.length + " bytes instead of " + KEY_BYTES);
        }
        return Optional.of(new FingerprintKey(key, file));
    }

    /** A random key that is never stored: for trying rules out without a log. */
    public static FingerprintKey ephemeral() {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return new FingerprintKey(key, null);
    }

    /** Where the key is kept, or empty for an ephemeral key. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** Short hex HMAC-SHA256 of the secret: equal secrets give equal fingerprints within one log. */
    public String fingerprint(String secret) {
        byte[] mac = macs.get().doFinal(secret.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac, 0, FINGERPRINT_BYTES);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
        }
    }

    private static AuditLogException unreadable(Path file, String why) {
        return new AuditLogException(Reason.UNAVAILABLE, "the redaction fingerprint key " + file + " cannot be used (" + why
                + "); restore it from backup, or move it away to start new fingerprints (old and new ones will not match).");
    }

    private static void deleteQuietly(Path temp) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // A stray temp file holds a key nobody uses; harmless.
            }
        }
    }
}
