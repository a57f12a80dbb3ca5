package dev.mcpaudit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.schema.AuditLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.Function;

/**
 * Read-only queries over an audit log for audit-cli: rows as ordered maps named like the read
 * model's columns. Registers {@link #IS_WRITE} on each connection so filters can use it in SQL.
 */
final class CallsDb implements AutoCloseable {
    static final String IS_WRITE = "mcp_is_write";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;

    CallsDb(AuditLog log) throws SQLException {
        this.connection = log.openReader();
        Function.create(connection, IS_WRITE, new Function() {
            @Override
            protected void xFunc() throws SQLException {
                result(AwsOperation.isWrite(value_text(0), parseArgs(value_text(1))) ? 1 : 0);
            }
        }, 2, Function.FLAG_DETERMINISTIC);
    }

    List<Map<String, Object>> query(String sql, List<Object> params) throws SQLException {
        return query(connection, sql, params);
    }

    List<Map<String, Object>> query(String sql, Object... params) throws SQLException {
        return query(sql, List.of(params));
    }

    /** Calls matching the filter, newest first, at most {@code limit} (0 = all). */
    List<Map<String, Object>> calls(CallFilter filter, int limit) throws SQLException {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT * FROM calls" + filter.where(params) + " ORDER BY started_at DESC, call_id DESC"
                + (limit > 0 ? " LIMIT " + limit : "");
        return query(sql, params);
    }

    /** Rows of {@code sql} on {@code connection} as ordered maps named by column label. */
    static List<Map<String, Object>> query(Connection connection, String sql, List<Object> params) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            bind(st, params);
            try (ResultSet rs = st.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= md.getColumnCount(); c++) {
                        row.put(md.getColumnLabel(c), rs.getObject(c));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    /** Sets {@code params} as the statement's parameters 1, 2, … */
    static void bind(PreparedStatement st, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            st.setObject(i + 1, params.get(i));
        }
    }

    static JsonNode parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * A call's recorded arguments: their JSON, or, when they are not JSON (arguments a purge replaced
     * as a whole, [PURGED:<seq>]), their text as a text node; null when there are none.
     */
    static JsonNode parseArgs(String args) {
        JsonNode parsed = parse(args);
        return parsed == null && args != null ? JSON.getNodeFactory().textNode(args) : parsed;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
