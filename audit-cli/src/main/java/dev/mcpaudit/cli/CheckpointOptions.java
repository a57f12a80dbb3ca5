package dev.mcpaudit.cli;

import dev.mcpaudit.schema.Checkpoint;
import dev.mcpaudit.schema.CheckpointKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --checkpoint FILE --public-key FILE}, for the commands that verify the chain. */
public final class CheckpointOptions {
    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Signed checkpoint to verify the log against.")
    Path checkpointFile;

    @Option(names = "--public-key", paramLabel = "FILE",
            description = "Public key that signed the checkpoint; the checkpoints recorded in the log are checked against it too.")
    Path publicKeyFile;

    /** Whether either was given: both ask for a verification. */
    public boolean given() {
        return checkpointFile != null || publicKeyFile != null;
    }

    /** A checkpoint proves nothing without the key that signed it; a key alone checks the recorded checkpoints. */
    public void check(CommandLine commandLine) {
        if (checkpointFile != null && publicKeyFile == null) {
            throw new ParameterException(commandLine,
                    "--checkpoint needs --public-key: a checkpoint proves nothing without the key that signed it.");
        }
    }

    /** The checkpoint, or null when none was given. */
    public Checkpoint checkpoint() throws java.io.IOException {
        if (checkpointFile == null) {
            return null;
        }
        try {
            return Checkpoint.parse(Files.readString(checkpointFile));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(checkpointFile + ": " + e.getMessage(), e);
        }
    }

    /** The public key, or null when none was given. */
    public PublicKey publicKey() throws java.io.IOException {
        return publicKeyFile == null ? null : CheckpointKeys.loadPublicKey(publicKeyFile);
    }
}
