package dev.mcpaudit.schema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys for checkpoints, as PEM files. The private key file (0600) holds both the PRIVATE KEY
 * and the PUBLIC KEY block, since the JDK cannot derive one from the other and a checkpoint names
 * its key. The public key file is what reviewers are given.
 */
public final class CheckpointKeys {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN (PRIVATE KEY|PUBLIC KEY)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    private CheckpointKeys() {}

    public record SigningKey(PrivateKey privateKey, PublicKey publicKey) {}

    /** Writes a new key pair; refuses to overwrite either file. */
    public static SigningKey generate(Path privateKeyFile, Path publicKeyFile) throws IOException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
        for (Path file : new Path[] {privateKeyFile, publicKeyFile}) {
            if (Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString(), null,
                        "already exists; keys are never overwritten, choose another path");
            }
        }
        String publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
        writeNew(privateKeyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + publicPem, true);
        writeNew(publicKeyFile, publicPem, false);
        return new SigningKey(pair.getPrivate(), pair.getPublic());
    }

    public static SigningKey loadSigningKey(Path privateKeyFile) throws IOException {
        String text = read(privateKeyFile);
        try {
            PrivateKey privateKey = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new PKCS8EncodedKeySpec(block(text, "PRIVATE KEY", privateKeyFile)));
            return new SigningKey(privateKey, publicKey(block(text, "PUBLIC KEY", privateKeyFile), privateKeyFile));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(privateKeyFile + " does not hold an Ed25519 private key: " + e.getMessage(), e);
        }
    }

    public static PublicKey loadPublicKey(Path publicKeyFile) throws IOException {
        return publicKey(block(read(publicKeyFile), "PUBLIC KEY", publicKeyFile), publicKeyFile);
    }

    /** First 16 hex digits of SHA-256 over the encoded public key. */
    public static String keyId(PublicKey key) {
        byte[] digest = CanonicalJson.sha256().digest(key.getEncoded());
        return HexFormat.of().formatHex(digest, 0, 8);
    }

    private static PublicKey publicKey(byte[] der, Path file) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " does not hold an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    private static byte[] block(String text, String type, Path file) {
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                return Base64.getMimeDecoder().decode(m.group(2));
            }
        }
        throw new IllegalArgumentException(file + " has no '-----BEGIN " + type + "-----' block; pass the file made by"
                + " `audit-cli keygen`.");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such key file");
        }
    }

    private static void writeNew(Path file, String content, boolean secret) throws IOException {
        try {
            if (secret) {
                OwnerOnlyFiles.createFile(file);
            } else {
                Files.createFile(file, readableByAll());
            }
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(file.toString(), null,
                    "already exists; keys are never overwritten, choose another path");
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII);
    }

    /** rw-r--r-- where POSIX permissions exist: a public key is meant to be handed out. */
    private static FileAttribute<?>[] readableByAll() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"))}
                : new FileAttribute<?>[0];
    }
}
