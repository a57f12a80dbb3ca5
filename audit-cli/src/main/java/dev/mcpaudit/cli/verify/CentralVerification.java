package dev.mcpaudit.cli.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.cli.ship.CentralAddress;
import dev.mcpaudit.cli.ship.CentralEvents;
import dev.mcpaudit.cli.ship.CentralException;
import dev.mcpaudit.cli.ship.CentralSchema;
import dev.mcpaudit.cli.ship.ShippedCheckpoint;
import dev.mcpaudit.schema.ChainProblem;
import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.Checkpoint;
import dev.mcpaudit.schema.CheckpointKeys;
import dev.mcpaudit.schema.VerificationReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code verify --source}: the central copy of each shipped log, re-hashed by the same
 * {@link ChainVerifier} as a local log, plus one check only the central copy needs: its chain must
 * reach the newest checkpoint shipped for it.
 */
public final class CentralVerification {
    static final String CENTRAL_NOTE = "a central chain that ends before the newest checkpoint shipped for it is"
            + " reported; to detect rows removed after that, verify against a checkpoint kept elsewhere"
            + " (--checkpoint).";

    private CentralVerification() {}

    /** Verifies {@code logId} (null: every shipped log); prints text or JSON, returns the exit code. */
    static int run(PrintWriter out, CentralAddress address, String logId, Checkpoint checkpoint, PublicKey key,
            boolean json) throws SQLException {
        try (Connection central = address.connect()) {
            central.setReadOnly(true);
            CentralSchema.requireCurrent(central);
            List<String> logs = logIds(central, logId);
            if (logId != null && logs.isEmpty()) {
                throw new CentralException("log " + logId + " has no rows in " + address.describe() + ".");
            }
            if (checkpoint != null && !logs.contains(checkpoint.logId())) {
                throw new CentralException("the checkpoint is for log " + checkpoint.logId() + ", which "
                        + address.describe() + " does not hold" + (logId == null ? "." : " under --log-id " + logId + "."));
            }
            String keyId = key == null ? null : CheckpointKeys.keyId(key);
            ObjectNode root = new ObjectMapper().createObjectNode();
            root.put("source", address.describe());
            ArrayNode reports = root.putArray("logs");
            int intact = 0;
            for (String id : logs) {
                Checkpoint given = checkpoint != null && checkpoint.logId().equals(id) ? checkpoint : null;
                VerificationReport r = verify(central, id, given, key);
                intact += r.intact() ? 1 : 0;
                if (json) {
                    ObjectNode one = VerifyCommand.toJson(Path.of(""), r, null, keyId, CENTRAL_NOTE);
                    one.remove("path");
                    reports.add(one);
                } else {
                    out.printf("Validating central log %s in %s%n", id, address.describe());
                    if (r.eventsChecked() == 0) {
                        out.println("The central copy of this log has no events.");
                    } else {
                        out.printf("Checked seq %d to %d: %s to %s%n", r.firstSeq(), r.lastSeq(), r.firstTime(),
                                r.lastTime());
                    }
                    VerifyCommand.printFindings(out, r, List.of(), keyId, "central copy", CENTRAL_NOTE);
                    out.println();
                }
            }
            root.put("intact", intact == logs.size());
            if (json) {
                out.println(VerifyCommand.PRETTY.writeValueAsString(root));
            } else {
                out.printf("Central copy in %s: %d log%s checked, %d intact.%n", address.describe(), logs.size(),
                        logs.size() == 1 ? "" : "s", intact);
            }
            out.flush();
            return intact == logs.size() ? ExitCode.OK : ExitCode.FINDING;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One log's central rows through the verifier, then against the newest checkpoint shipped for it. */
    public static VerificationReport verify(Connection central, String logId, Checkpoint checkpoint, PublicKey key)
            throws SQLException {
        VerificationReport r = ChainVerifier.verify(logId, new CentralEvents(central, logId), checkpoint, key);
        Optional<ShippedCheckpoint> shipped = ShippedCheckpoint.latest(central, logId);
        if (shipped.isEmpty()) {
            return r;
        }
        Optional<ChainProblem> problem = shipped.get().problemWith(r.lastSeq(),
                hashAt(central, logId, shipped.get().checkpoint().seq()), key);
        if (problem.isEmpty()) {
            return r;
        }
        List<ChainProblem> problems = new ArrayList<>(r.problems());
        problems.add(problem.get());
        problems.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        return new VerificationReport(r.logId(), r.eventsChecked(), r.firstSeq(), r.lastSeq(), r.firstTime(),
                r.lastTime(), problems, r.checkpoint(), r.checkpointEvents(), r.checkpointEventsChecked(), r.purges());
    }

    /**
     * Several logs' verdicts as one, for a report across them: the events checked summed, the seq and
     * time range from the lowest to the highest, and each problem and notice naming its log.
     */
    public static VerificationReport combine(List<VerificationReport> reports, Checkpoint checkpoint) {
        long events = 0;
        long firstSeq = 0;
        long lastSeq = 0;
        String firstTime = null;
        String lastTime = null;
        int recorded = 0;
        int checked = 0;
        List<ChainProblem> problems = new ArrayList<>();
        List<dev.mcpaudit.schema.PurgeNotice> purges = new ArrayList<>();
        for (VerificationReport r : reports) {
            events += r.eventsChecked();
            if (r.eventsChecked() > 0) {
                firstSeq = firstSeq == 0 ? r.firstSeq() : Math.min(firstSeq, r.firstSeq());
                lastSeq = Math.max(lastSeq, r.lastSeq());
                firstTime = firstTime == null || (r.firstTime() != null && r.firstTime().compareTo(firstTime) < 0)
                        ? r.firstTime() : firstTime;
                lastTime = lastTime == null || (r.lastTime() != null && r.lastTime().compareTo(lastTime) > 0)
                        ? r.lastTime() : lastTime;
            }
            recorded += r.checkpointEvents();
            checked += r.checkpointEventsChecked();
            for (ChainProblem p : r.problems()) {
                problems.add(new ChainProblem(p.seq(), p.kind(), "log " + r.logId() + ": " + p.detail()));
            }
            purges.addAll(r.purges());
        }
        return new VerificationReport(reports.size() + (reports.size() == 1 ? " log" : " logs"), events, firstSeq,
                lastSeq, firstTime, lastTime, problems, Optional.ofNullable(checkpoint), recorded, checked, purges);
    }

    private static List<String> logIds(Connection central, String logId) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = central.prepareStatement(
                "SELECT log_id FROM mcp_audit.logs WHERE ?::text IS NULL OR log_id = ? ORDER BY log_id")) {
            ps.setString(1, logId);
            ps.setString(2, logId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private static String hashAt(Connection central, String logId, long seq) throws SQLException {
        try (PreparedStatement ps = central.prepareStatement(
                "SELECT hash FROM mcp_audit.events WHERE log_id = ? AND seq = ? LIMIT 1")) {
            ps.setString(1, logId);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
