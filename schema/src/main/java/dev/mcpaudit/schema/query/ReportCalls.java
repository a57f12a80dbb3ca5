package dev.mcpaudit.schema.query;

import dev.mcpaudit.schema.StoredEvent;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * What a compliance report asks of the calls in its scope, wherever they are read: one log
 * ({@link ReportScope}) or the central copy of many (audit-cli's {@code report --source}). A listed
 * call is named by a number that {@link #calls} resolves: the seq of its request or rejection in one
 * log, or a number of the scope's own across logs.
 */
public interface ReportCalls extends AutoCloseable {
    /** The calls grouped by profile, account, tool, command, outcome, hour and session. */
    List<CallGroup> groups() throws SQLException;

    /** The calls per minute and outcome. */
    List<ReportScope.MinuteCount> perMinute() throws SQLException;

    /** The first {@code max} denied calls, oldest first. */
    List<Long> deniedSeqs(int max) throws SQLException;

    /** The first {@code max} calls sent upstream whose tool is one of {@code tools} or command one of {@code commands}, oldest first. */
    List<Long> sentSeqs(Collection<String> tools, Collection<String> commands, int max) throws SQLException;

    /** The listed calls named by {@code seqs}, in any order. */
    List<ListedCall> calls(Collection<Long> seqs) throws SQLException;

    /** The payloads purged from events of the calls in scope (and their sessions' other events). */
    List<PurgedEvent> purges() throws SQLException;

    /** The session.started, client.initialized and session.ended events of these sessions. */
    List<StoredEvent> sessionBoundaries(Collection<String> sessionIds) throws SQLException;

    @Override
    void close() throws SQLException;
}
