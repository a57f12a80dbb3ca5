package dev.mcpaudit.cli.replay;

import dev.mcpaudit.cli.SessionArgument;
import dev.mcpaudit.cli.JsonText;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.AuditLogException;
import dev.mcpaudit.schema.query.SessionCall;
import dev.mcpaudit.schema.query.SessionCallQueries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns an operand of {@code audit-cli diff} into a {@link DiffSide}: a path that exists is read as
 * an {@code mcp-audit-fixture/1} file; anything else is a session id, or a unique prefix of one, in
 * the log. The log is opened only when an operand needs it.
 */
final class DiffSideLoader implements AutoCloseable {
    private final Supplier<AuditLog> opener;
    private AuditLog log;

    DiffSideLoader(Supplier<AuditLog> opener) {
        this.opener = opener;
    }

    DiffSide load(String name, String operand) throws IOException, SQLException {
        if (operand.isBlank()) {
            throw new IllegalArgumentException(name + " is empty; give a fixture file or a session id (see `audit-cli sessions`).");
        }
        Path file = Path.of(operand);
        if (Files.exists(file)) {
            return fixture(name, operand, file);
        }
        if (looksLikeAFile(operand)) {
            throw new IOException("fixture file " + operand + " (" + name + ") does not exist; give an existing "
                    + Fixture.FORMAT + " file or a session id.");
        }
        String sessionId;
        try {
            sessionId = resolveSession(name, operand);
        } catch (AuditLogException e) {
            throw new AuditLogException(e.reason(), name + " '" + operand + "' is not a file, so it was looked up as a session"
                    + " id, but " + e.getMessage(), e);
        }
        return session(name, sessionId, null);
    }

    /** The calls one session made in one profile: a side of {@code --profiles P1 P2 --session ID}. */
    DiffSide loadProfile(String name, String sessionOperand, String profile) throws SQLException {
        String sessionId = resolveSession("--session", sessionOperand);
        DiffSide side = session(name, sessionId, profile);
        if (side.calls().isEmpty()) {
            Set<String> used = new LinkedHashSet<>();
            for (SessionCall c : queries().callsOf(sessionId)) {
                used.add(c.profile());
            }
            throw new IllegalArgumentException("session " + sessionId + " made no call in profile '" + profile + "'; its calls"
                    + " used " + (used.isEmpty() ? "no profile (it has no calls)" : "the profiles " + String.join(", ", used)) + ".");
        }
        return side;
    }

    private static boolean looksLikeAFile(String operand) {
        return operand.contains("/") || operand.contains("\\") || operand.endsWith(".json");
    }

    private static DiffSide fixture(String name, String operand, Path file) throws IOException {
        Fixture fixture;
        try {
            fixture = Fixture.read(file);
        } catch (IllegalArgumentException e) {
            throw new IOException("fixture file " + operand + " (" + name + ") cannot be compared: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException("fixture file " + operand + " (" + name + ") cannot be read (" + e + "); check its path and"
                    + " permissions.", e);
        }
        List<DiffCall> calls = new ArrayList<>();
        for (Fixture.Call c : fixture.calls()) {
            Fixture.Profile where = fixture.profiles().get(c.profile());
            calls.add(DiffCall.of(calls.size() + 1, c.seq(), c.method(), c.subject(), c.profile(),
                    where == null ? null : where.accountId(), where == null ? null : where.region(), c.args(),
                    c.outcome().wire(), c.error(), c.resultSha256(), c.result()));
        }
        return new DiffSide(name, "fixture", operand, fixture.source().sessionId(), null, calls,
                fixture.volatileFields().ignore(), fixture.volatileFields().ignoreKeys(), fixture.servers());
    }

    private DiffSide session(String name, String sessionId, String profile) throws SQLException {
        List<DiffCall> calls = new ArrayList<>();
        java.util.Map<String, dev.mcpaudit.schema.query.Approval> approvals =
                new dev.mcpaudit.schema.query.ApprovalQueries(log).byCallId();
        for (SessionCall c : queries().callsOf(sessionId)) {
            if (profile != null && !profile.equals(c.profile())) {
                continue;
            }
            String subject = c.tool() != null ? c.tool() : c.target();
            dev.mcpaudit.schema.query.Approval approval = approvals.get(c.callId());
            calls.add(DiffCall.of(calls.size() + 1, c.seq(), c.method() == null ? "tools/call" : c.method(), subject, c.profile(),
                    c.accountId(), c.region(), JsonText.parseArgs(c.args()), c.outcome(), c.error(), c.resultSha256(),
                    JsonText.parseArgs(c.result()), approval == null ? DiffCall.NOT_ASKED : approval.shown()));
        }
        return new DiffSide(name, "session", sessionId, sessionId, profile, calls, List.of(), List.of(),
                SessionServers.of(log, sessionId));
    }

    private String resolveSession(String name, String prefix) throws SQLException {
        queries(); // opens the log
        try {
            return SessionArgument.resolve(log, prefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " '" + prefix + "' is no file, and as a session: " + e.getMessage()
                    + " Or give a fixture file's path.");
        }
    }

    private SessionCallQueries queries() {
        if (log == null) {
            log = opener.get();
        }
        return new SessionCallQueries(log);
    }

    @Override
    public void close() {
        if (log != null) {
            log.close();
        }
    }
}
