package dev.mcpaudit.cli.ship;

import dev.mcpaudit.schema.ChainProblem;
import dev.mcpaudit.schema.ChainProblem.Kind;
import dev.mcpaudit.schema.Checkpoint;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The newest checkpoint shipped for a log ({@code mcp_audit.checkpoints}, kept apart from the chain),
 * and what it says about the central chain: rows deleted from its end stop it short of the
 * checkpoint; a chain rewritten up to it has another hash at its seq.
 *
 * @param eventSeq the seq of the checkpoint event that recorded it
 */
public record ShippedCheckpoint(long eventSeq, Checkpoint checkpoint) {

    /** The shipped checkpoint covering the highest seq of {@code logId}, if any was shipped. */
    public static Optional<ShippedCheckpoint> latest(Connection central, String logId) throws SQLException {
        try (PreparedStatement ps = central.prepareStatement("SELECT event_seq, seq, hash, signed_at, key_id, signature"
                + " FROM mcp_audit.checkpoints WHERE log_id = ? ORDER BY seq DESC, event_seq DESC LIMIT 1")) {
            ps.setString(1, logId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ShippedCheckpoint(rs.getLong(1), new Checkpoint(logId, rs.getLong(2),
                        rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6))));
            }
        }
    }

    /**
     * The problem with a central chain that ends at {@code lastSeq} and holds {@code hashAtSeq} at the
     * checkpoint's seq (null: no row there), if any. With {@code key}, a checkpoint signed with it
     * whose signature does not verify is one too.
     */
    public Optional<ChainProblem> problemWith(long lastSeq, String hashAtSeq, PublicKey key) {
        Checkpoint cp = checkpoint;
        if (key != null && cp.keyId().equals(dev.mcpaudit.schema.CheckpointKeys.keyId(key)) && !cp.signatureValid(key)) {
            return Optional.of(new ChainProblem(eventSeq, Kind.BAD_CHECKPOINT, "the checkpoint shipped from seq "
                    + eventSeq + " names key " + cp.keyId() + " but its signature does not verify with it: it was"
                    + " forged or altered in the central database"));
        }
        if (lastSeq < eventSeq) {
            return Optional.of(new ChainProblem(lastSeq + 1, Kind.TRUNCATED, "the central chain ends at seq " + lastSeq
                    + " but a checkpoint event at seq " + eventSeq + " (covering seq " + cp.seq() + ", signed "
                    + cp.time() + ") was shipped: events " + (lastSeq + 1) + " to " + eventSeq
                    + " were removed from the central copy"));
        }
        if (hashAtSeq != null && !hashAtSeq.equals(cp.hash())) {
            return Optional.of(new ChainProblem(cp.seq(), Kind.REWRITTEN, "the central hash at seq " + cp.seq()
                    + " differs from the one the checkpoint shipped from seq " + eventSeq + " (signed " + cp.time()
                    + ") holds: the central chain up to that point was rewritten"));
        }
        return Optional.empty();
    }
}
