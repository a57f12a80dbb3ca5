package dev.mcpaudit.schema.query;

/**
 * Whether a denied call's {@code profile} is a refused {@code aws_profile} value rather than a real
 * profile, as SQL. A {@code call.rejected} records the value the agent asked for when that value was
 * refused, and the profile the call would have used when {@code --read-only} refused it (FORMAT.md).
 * A refused value is one that is not among its session's allowed profiles ({@code session.started}'s
 * {@code profiles}); when that event is missing, one without {@code account_source}, which a
 * read-only refusal always carries. Refused values are never counted as profiles.
 */
public final class RefusedProfiles {
    /** Whitespace that {@link #lookAlike} ignores around a value: space, tab, CR, LF. */
    private static final String BLANKS = "' ' || char(9) || char(10) || char(13)";

    private RefusedProfiles() {}

    /**
     * True when a denied call whose requested value is {@code profile}, in session {@code sessionId},
     * with {@code accountSource}, was refused for its profile (each a SQL expression). Only meaningful
     * for denied calls; one subquery, through the session index, per call it is evaluated for.
     */
    public static String refused(String profile, String sessionId, String accountSource) {
        return "coalesce((SELECT " + profile + " NOT IN (SELECT value FROM json_each(s.payload, '$.profiles'))"
                + " FROM events s WHERE s.session_id = " + sessionId + " AND s.type = 'session.started'"
                + " AND json_type(s.payload, '$.profiles') = 'array' LIMIT 1), " + accountSource + " IS NULL)";
    }

    /**
     * True when SQL expression {@code value} differs from parameter {@code ?} only in case or in
     * whitespace around it ({@code "PROD"}, {@code "prod "} for {@code prod}).
     */
    static String lookAlike(String value) {
        return "lower(trim(" + value + ", " + BLANKS + ")) = lower(trim(?, " + BLANKS + "))";
    }
}
