package dev.mcpaudit.cli.verify;

import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.schema.CheckpointKeys;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
        name = "keygen",
        mixinStandardHelpOptions = true,
        description = {
            "Makes an Ed25519 key pair for signing checkpoints.",
            "Keep the private key away from the machine's audit log (that is the point); give reviewers the public key."
        },
        footer = {"", "Example:", "  audit-cli keygen --key ~/secure/audit-checkpoint.key"})
public final class KeygenCommand implements Callable<Integer> {

    @Option(names = "--key", required = true, paramLabel = "FILE",
            description = "Private key file to create (0600; also holds the public key). Never overwritten.")
    Path key;

    @Option(names = "--public-key", paramLabel = "FILE", description = "Public key file to create (default: KEY.pub).")
    Path publicKey;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path pub = publicKey != null ? publicKey : Path.of(key + ".pub");
        CheckpointKeys.SigningKey created = CheckpointKeys.generate(key, pub);
        spec.commandLine().getOut().printf("Wrote private key %s (0600) and public key %s; key id %s.%n",
                key, pub, CheckpointKeys.keyId(created.publicKey()));
        return ExitCode.OK;
    }
}
