package dev.mcpaudit.cli.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.schema.AtomicFile;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.AuditLogException;
import dev.mcpaudit.schema.ChainHead;
import dev.mcpaudit.schema.Checkpoint;
import dev.mcpaudit.schema.CheckpointKeys;
import dev.mcpaudit.schema.EventTime;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
        name = "checkpoint",
        mixinStandardHelpOptions = true,
        description = {
            "Signs the log's current head (seq, hash, time) and writes it to a file kept away from the log.",
            "`audit-cli verify --checkpoint` then detects removal of the newest events and a rewritten chain.",
            "The checkpoint is also recorded in the log as a `checkpoint` event.",
            "The log is verified first, as `audit-cli verify --public-key` would (chain, schema, and the",
            "checkpoints recorded in it): a log that does not verify is not signed, and nothing is written."
        },
        footer = {
            "",
            "Examples:",
            "  audit-cli keygen --key ~/secure/audit-checkpoint.key",
            "  audit-cli checkpoint --key ~/secure/audit-checkpoint.key \\",
            "      --out ~/secure/audit-$(date +%%F).checkpoint",
            "",
            "Exit codes: 0 signed and written, 1 the log does not verify (nothing signed or written),",
            "2 usage error, 3 log missing, never written, locked or read-only, key unreadable, FILE not writable."
        })
public final class CheckpointCommand implements Callable<Integer> {

    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "Private key made by `audit-cli keygen`.")
    Path keyFile;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Where to write the signed checkpoint (0600, written only once it is recorded in the log).")
    Path out;

    @Override
    public Integer call() throws Exception {
        CheckpointKeys.SigningKey key = CheckpointKeys.loadSigningKey(keyFile);
        Path path = parent.dbPath();
        Checkpoint checkpoint;
        try (AuditLog log = parent.openWrittenForReading()) {
            ChainHead head = log.head().orElseThrow(() -> new AuditLogException(AuditLogException.Reason.MISSING,
                    "audit log " + log.path() + " has no events yet; there is nothing to checkpoint."));
            checkpoint = Checkpoint.sign(log.logId(), head, EventTime.format(Instant.now()),
                    key.privateKey(), key.publicKey());
            // Verified against the very checkpoint about to be written: the head signed is the head verified.
            VerifyCommand.Verdict verdict = VerifyCommand.check(log, checkpoint, key.publicKey());
            if (!verdict.intact()) {
                verdict.refuse(spec.commandLine().getErr(), log.path(), "so it was not signed and nothing was written;"
                        + " find out what happened with `audit-cli verify` before checkpointing it.");
                return ExitCode.FINDING;
            }
        }
        // The file is complete before the log is written, and in place only once the log holds the
        // event: a failure at any step leaves neither a checkpoint file nor a half-written one.
        try (AtomicFile file = AtomicFile.beside(out)) {
            Files.writeString(file.path(), checkpoint.toText());
            try (AuditLog log = AuditLog.openExistingForAppend(path)) {
                ObjectNode payload = new ObjectMapper().createObjectNode()
                        .put("seq", checkpoint.seq())
                        .put("hash", checkpoint.hash())
                        .put("signed_at", checkpoint.time())
                        .put("key_id", checkpoint.keyId())
                        .put("signature", checkpoint.signature());
                log.appender().append(NewEvent.now(EventType.CHECKPOINT, "audit-cli-" + UUID.randomUUID(), null, payload));
            }
            file.commit();
        }
        spec.commandLine().getOut().printf("Checkpoint of log %s at seq %d (hash %s) written to %s, signed with key %s.%n",
                checkpoint.logId(), checkpoint.seq(), checkpoint.hash(), out, checkpoint.keyId());
        return ExitCode.OK;
    }
}
