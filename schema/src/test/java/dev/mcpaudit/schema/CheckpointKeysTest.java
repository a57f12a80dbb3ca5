package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint signing key pair as files: private stays private, keys are never overwritten. */
class CheckpointKeysTest {
    private static final ChainHead HEAD = new ChainHead(42, "ab".repeat(32));

    @TempDir
    Path dir;

    @Test
    void generateWritesAPrivateKeyOnlyTheOwnerCanReadAndAPublicKeyOthersCanRead() throws Exception {
        Path priv = dir.resolve("checkpoint.key");
        Path pub = dir.resolve("checkpoint.pub");
        CheckpointKeys.generate(priv, pub);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
        assertThat(Files.getPosixFilePermissions(pub)).isEqualTo(withUmask("rw-r--r--"));
        assertThat(Files.readString(priv, StandardCharsets.US_ASCII))
                .contains("-----BEGIN PRIVATE KEY-----").contains("-----BEGIN PUBLIC KEY-----");
        assertThat(Files.readString(pub, StandardCharsets.US_ASCII))
                .startsWith("-----BEGIN PUBLIC KEY-----\n")
                .endsWith("-----END PUBLIC KEY-----\n")
                .doesNotContain("PRIVATE");
    }

    @Test
    void generateRefusesToOverwriteExistingKeys() throws Exception {
        Path priv = dir.resolve("checkpoint.key");
        Path pub = dir.resolve("checkpoint.pub");
        CheckpointKeys.SigningKey original = CheckpointKeys.generate(priv, pub);
        byte[] privBefore = Files.readAllBytes(priv);
        byte[] pubBefore = Files.readAllBytes(pub);

        assertThatThrownBy(() -> CheckpointKeys.generate(priv, pub))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(priv.toString())
                .hasMessageContaining("never overwritten");
        assertThatThrownBy(() -> CheckpointKeys.generate(dir.resolve("new.key"), pub))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(pub.toString());

        assertThat(Files.readAllBytes(priv)).isEqualTo(privBefore);
        assertThat(Files.readAllBytes(pub)).isEqualTo(pubBefore);
        // The key that signed earlier checkpoints still verifies them.
        Checkpoint cp = Checkpoint.sign("log", HEAD, "2026-11-26T20:11:03.123Z", original.privateKey(), original.publicKey());
        assertThat(cp.signatureValid(CheckpointKeys.loadPublicKey(pub))).isTrue();
    }

    @Test
    void loadedKeysRoundTrip() throws Exception {
        Path priv = dir.resolve("checkpoint.key");
        Path pub = dir.resolve("checkpoint.pub");
        CheckpointKeys.SigningKey generated = CheckpointKeys.generate(priv, pub);

        CheckpointKeys.SigningKey loaded = CheckpointKeys.loadSigningKey(priv);
        var loadedPublic = CheckpointKeys.loadPublicKey(pub);
        assertThat(loaded.privateKey().getEncoded()).isEqualTo(generated.privateKey().getEncoded());
        assertThat(loaded.publicKey().getEncoded()).isEqualTo(generated.publicKey().getEncoded());
        assertThat(CheckpointKeys.keyId(loadedPublic)).isEqualTo(CheckpointKeys.keyId(generated.publicKey()))
                .matches("[0-9a-f]{16}");

        Checkpoint cp = Checkpoint.sign("log-1", HEAD, "2026-11-26T20:11:03.123Z", loaded.privateKey(), loaded.publicKey());
        assertThat(cp.keyId()).isEqualTo(CheckpointKeys.keyId(loadedPublic));
        assertThat(Checkpoint.parse(cp.toText()).signatureValid(loadedPublic)).isTrue();
        assertThat(cp.signatureValid(generated.publicKey())).isTrue();
    }

    @Test
    void twoGeneratedKeysDifferAndDoNotVerifyEachOther() throws Exception {
        CheckpointKeys.SigningKey a = CheckpointKeys.generate(dir.resolve("a.key"), dir.resolve("a.pub"));
        CheckpointKeys.SigningKey b = CheckpointKeys.generate(dir.resolve("b.key"), dir.resolve("b.pub"));
        assertThat(CheckpointKeys.keyId(a.publicKey())).isNotEqualTo(CheckpointKeys.keyId(b.publicKey()));
        Checkpoint byA = Checkpoint.sign("log", HEAD, "t", a.privateKey(), a.publicKey());
        assertThat(byA.signatureValid(CheckpointKeys.loadPublicKey(dir.resolve("b.pub")))).isFalse();
    }

    @Test
    void aFileWithoutTheKeyBlockGivesAClearError() throws Exception {
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "not a key\n");
        assertThatThrownBy(() -> CheckpointKeys.loadPublicKey(notes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(notes.toString())
                .hasMessageContaining("BEGIN PUBLIC KEY");
        assertThatThrownBy(() -> CheckpointKeys.loadSigningKey(notes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(notes.toString())
                .hasMessageContaining("BEGIN PRIVATE KEY");
    }

    @Test
    void thePublicKeyFileIsNotASigningKey() throws Exception {
        Path pub = dir.resolve("checkpoint.pub");
        CheckpointKeys.generate(dir.resolve("checkpoint.key"), pub);
        assertThatThrownBy(() -> CheckpointKeys.loadSigningKey(pub))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(pub.toString())
                .hasMessageContaining("PRIVATE KEY");
    }

    @Test
    void aKeyOfAnotherAlgorithmGivesAClearError() throws Exception {
        Path rsa = dir.resolve("rsa.pub");
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(1024);
        Files.writeString(rsa, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(gen.generateKeyPair().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        assertThatThrownBy(() -> CheckpointKeys.loadPublicKey(rsa))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(rsa.toString())
                .hasMessageContaining("Ed25519");
    }

    @Test
    void aMissingKeyFileSaysSo() {
        Path missing = dir.resolve("missing.pub");
        assertThatThrownBy(() -> CheckpointKeys.loadPublicKey(missing))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("no such key file");
    }

    /** The permissions a file created with {@code wanted} really gets under this process's umask. */
    private Set<PosixFilePermission> withUmask(String wanted) throws Exception {
        Path probe = Files.createFile(dir.resolve("umask-probe"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-")));
        Set<PosixFilePermission> allowed = Files.getPosixFilePermissions(probe);
        Set<PosixFilePermission> expected = EnumSet.copyOf(PosixFilePermissions.fromString(wanted));
        expected.retainAll(allowed);
        return expected;
    }
}
