package dev.mcpaudit.schema.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The members of a stored payload that a report groups and filters calls by, read with one streaming
 * pass over its bytes, each as {@code json_extract(payload, '$.member')} gives it ({@link SqlValue}).
 * A payload that is not a JSON object reads as all NULL (the verifier reports such an edit).
 */
record CallFields(SqlValue profile, SqlValue accountId, boolean hasAccountSource, SqlValue tool,
        SqlValue cliCommand, SqlValue argsText) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final CallFields NONE = new CallFields(null, null, false, null, null, null);

    /**
     * The arguments' {@code cli_command}, else the arguments themselves when a purge made them a string
     * (their marker text), with leading spaces trimmed as SQL's {@code ltrim} does; null when neither.
     */
    String command() {
        SqlValue c = cliCommand != null ? cliCommand : argsText;
        if (c == null) {
            return null;
        }
        int start = 0;
        while (start < c.text().length() && c.text().charAt(start) == ' ') {
            start++;
        }
        return c.text().substring(start);
    }

    /** The fields of a call.requested or call.rejected payload. */
    static CallFields read(byte[] payload) {
        SqlValue profile = null;
        SqlValue account = null;
        boolean accountSource = false;
        SqlValue tool = null;
        SqlValue cliCommand = null;
        SqlValue argsText = null;
        // json_extract takes a member's first occurrence: later duplicates are skipped. Bit per member seen.
        int seen = 0;
        try (JsonParser p = FACTORY.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return NONE;
            }
            while (seen != ALL_SEEN && p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                int bit = bit(name);
                if (bit == 0 || (seen & bit) != 0) {
                    p.skipChildren();
                    continue;
                }
                seen |= bit;
                switch (bit) {
                    case PROFILE -> profile = value(p, t);
                    case ACCOUNT -> account = value(p, t);
                    case SOURCE -> accountSource = value(p, t) != null;
                    case TOOL -> tool = value(p, t);
                    default -> {
                        if (t == JsonToken.START_OBJECT) {
                            cliCommand = member(p, "cli_command");
                        } else if (t == JsonToken.VALUE_STRING) {
                            argsText = SqlValue.text(p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
        return new CallFields(profile, account, accountSource, tool, cliCommand, argsText);
    }

    private static final int PROFILE = 1;
    private static final int ACCOUNT = 2;
    private static final int SOURCE = 4;
    private static final int TOOL = 8;
    private static final int ARGS = 16;
    private static final int ALL_SEEN = 31;

    private static int bit(String member) {
        switch (member) {
            case "profile": return PROFILE;
            case "account_id": return ACCOUNT;
            case "account_source": return SOURCE;
            case "tool": return TOOL;
            case "args": return ARGS;
            default: return 0;
        }
    }

    /** {@code json_extract(payload, '$.outcome')} of a call.completed payload. */
    static SqlValue outcome(byte[] payload) {
        try (JsonParser p = FACTORY.createParser(payload)) {
            return p.nextToken() == JsonToken.START_OBJECT ? member(p, "outcome", true) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The values of a session.started payload's {@code profiles} array (the session's allowed
     * profiles), as {@code json_each} gives them; null when it is not an array.
     */
    static List<SqlValue> profiles(byte[] payload) {
        try (JsonParser p = FACTORY.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!name.equals("profiles")) {
                    p.skipChildren();
                    continue;
                }
                if (t != JsonToken.START_ARRAY) {
                    return null;
                }
                List<SqlValue> values = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    values.add(value(p, e));
                }
                return values;
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The first member {@code name} of the object whose START_OBJECT was just read; leaves the parser after it. */
    private static SqlValue member(JsonParser p, String name) throws IOException {
        return member(p, name, false);
    }

    /** As above; with {@code stop}, returns as soon as the member is read, leaving the rest unread. */
    private static SqlValue member(JsonParser p, String name, boolean stop) throws IOException {
        SqlValue found = null;
        boolean seen = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String n = p.currentName();
            JsonToken t = p.nextToken();
            if (n.equals(name) && !seen) {
                seen = true;
                found = value(p, t);
                if (stop) {
                    return found;
                }
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    /** The value at token {@code t}, as json_extract gives it; leaves the parser on its last token. */
    private static SqlValue value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_STRING:
                return new SqlValue(p.getText(), false);
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new SqlValue(p.getText(), true);
            case VALUE_TRUE:
                return new SqlValue("1", true);
            case VALUE_FALSE:
                return new SqlValue("0", true);
            case START_OBJECT:
            case START_ARRAY:
                return new SqlValue(JSON.readTree(p).toString(), false);
            default:
                return null;
        }
    }
}
