package dev.mcpaudit.cli.ship;

import dev.mcpaudit.schema.ChainVerifier;
import dev.mcpaudit.schema.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * One log's rows in the central copy, in seq order, for the same {@link ChainVerifier} that checks a
 * local log: every column as stored, streamed through a cursor so memory does not grow with the log.
 */
public final class CentralEvents implements ChainVerifier.EventSource {
    private final Connection central;
    private final String logId;

    public CentralEvents(Connection central, String logId) {
        this.central = central;
        this.logId = logId;
    }

    /**
     * Streams the rows; inside a transaction the caller opened (a report's snapshot) it reads in that
     * transaction, else in one of its own.
     */
    @Override
    public void scan(Consumer<StoredEvent> sink) {
        try {
            boolean own = central.getAutoCommit();
            if (own) {
                central.setAutoCommit(false); // the driver streams with a cursor only inside a transaction
            }
            try (PreparedStatement ps = central.prepareStatement("SELECT seq, event_id, type, time, session_id, call_id,"
                    + " payload, prev_hash, hash, hash_rule, payload_salt, payload_sha256 FROM mcp_audit.events"
                    + " WHERE log_id = ? ORDER BY seq")) {
                ps.setString(1, logId);
                ps.setFetchSize(5000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                                rs.getInt(10), rs.getString(11), rs.getString(12)));
                    }
                }
            } finally {
                if (own) {
                    central.rollback();
                    central.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new CentralException("could not read log " + logId + " from the central database: " + e.getMessage(), e);
        }
    }
}
