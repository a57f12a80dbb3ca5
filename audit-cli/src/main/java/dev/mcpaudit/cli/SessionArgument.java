package dev.mcpaudit.cli;

import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.query.SessionCallQueries;
import java.sql.SQLException;
import java.util.List;

/**
 * A session named on the command line by its id or a unique prefix of it, as {@code show} takes a
 * call id and {@code diff}, {@code calls} and {@code report} a session. A prefix that fits several sessions, or none, is a usage error
 * that names the candidates or says where to look.
 */
public final class SessionArgument {
    /** How many candidates an ambiguous prefix names. */
    static final int SHOWN_CANDIDATES = 5;

    private SessionArgument() {}

    /**
     * The one session id {@code given} names in {@code log}.
     *
     * @throws IllegalArgumentException when it is blank, names no session, or names more than one
     */
    public static String resolve(AuditLog log, String given) throws SQLException {
        return resolve(given, log.path().toString(), new SessionCallQueries(log)::sessionIdsStartingWith);
    }

    /** The session ids, at most {@code max}, that start with {@code prefix} in some source of sessions. */
    @FunctionalInterface
    public interface PrefixLookup {
        List<String> sessionIdsStartingWith(String prefix, int max) throws SQLException;
    }

    /** As above, in any source of sessions ({@code where} names it in messages: a log, a central database). */
    public static String resolve(String given, String where, PrefixLookup sessions) throws SQLException {
        if (given == null || given.isBlank()) {
            throw new IllegalArgumentException("--session is empty; give a session id from `audit-cli sessions`.");
        }
        String prefix = given.strip();
        List<String> ids = sessions.sessionIdsStartingWith(prefix, SHOWN_CANDIDATES + 1);
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("no session " + prefix + " in " + where
                    + "; list sessions with `audit-cli sessions`.");
        }
        if (ids.contains(prefix)) {
            return prefix; // a whole id is never ambiguous, even if it is the start of another
        }
        if (ids.size() > 1) {
            String shown = String.join(", ", ids.subList(0, Math.min(ids.size(), SHOWN_CANDIDATES)))
                    + (ids.size() > SHOWN_CANDIDATES ? ", …" : "");
            throw new IllegalArgumentException(prefix + " is the start of more than one session id (" + shown
                    + "); give more of it.");
        }
        return ids.get(0);
    }
}
