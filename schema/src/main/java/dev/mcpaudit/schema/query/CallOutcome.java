package dev.mcpaudit.schema.query;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How a call ended, as the {@code outcome} column of the {@code calls} view gives it: the
 * {@code outcome} of its {@code call.completed} event, {@link #DENIED} for a {@code call.rejected}
 * event (never sent upstream), {@link #INCOMPLETE} for a {@code call.requested} event without a
 * completion (the proxy stopped before the answer).
 *
 * <p>The SQL of that rule is written once, in the view (migration V2, which cannot change once
 * shipped); {@link #sqlOfRequested} and {@link #sqlOf} are the same expression for queries that read
 * {@code events} directly, and {@code CallOutcomeTest} holds them to the view's text and results.
 */
public enum CallOutcome {
    OK("ok"),
    TOOL_ERROR("tool_error"),
    ERROR("error"),
    TIMEOUT("timeout"),
    CANCELLED("cancelled"),
    DENIED("denied"),
    INCOMPLETE("incomplete");

    private final String wireName;

    CallOutcome(String wireName) {
        this.wireName = wireName;
    }

    /** As stored and shown: {@code ok}, {@code tool_error}, … */
    public String wireName() {
        return wireName;
    }

    /** Every outcome's wire name, in declaration order. */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(CallOutcome::wireName).toList();
    }

    public static Optional<CallOutcome> ofWireName(String name) {
        return Arrays.stream(values()).filter(o -> o.wireName.equals(name)).findFirst();
    }

    /**
     * SQL: the outcome of a {@code call.requested} event, given its {@code call.completed} event as
     * table alias {@code completed}, LEFT JOINed (all columns null when the call never completed).
     * Exactly the {@code calls} view's expression when {@code completed} is {@code c}.
     */
    public static String sqlOfRequested(String completed) {
        return "CASE WHEN " + completed + ".seq IS NULL THEN '" + INCOMPLETE.wireName + "'"
                + " ELSE json_extract(" + completed + ".payload, '$.outcome') END";
    }

    /**
     * SQL: the outcome of a call given its first event as alias {@code first} (a {@code call.requested}
     * or a {@code call.rejected} event) and its {@code call.completed} event as alias {@code completed},
     * LEFT JOINed: the view's two branches in one expression.
     */
    public static String sqlOf(String first, String completed) {
        return "CASE WHEN " + first + ".type = 'call.rejected' THEN '" + DENIED.wireName + "'"
                + " ELSE " + sqlOfRequested(completed) + " END";
    }
}
