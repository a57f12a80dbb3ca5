package dev.mcpaudit.schema.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Runs a statement and maps each row: the JDBC plumbing every query class shares. */
final class Rows {
    @FunctionalInterface
    interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private Rows() {}

    static <T> List<T> list(Connection c, String sql, List<?> params, Mapper<T> mapper) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            bind(st, params);
            try (ResultSet rs = st.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        }
    }

    /** Sets {@code params} as the statement's parameters 1, 2, … */
    static void bind(PreparedStatement st, List<?> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            st.setObject(i + 1, params.get(i));
        }
    }

    /** The column as a Number (Long or Double, as SQLite stored it), or null. */
    static Number number(ResultSet rs, String column) throws SQLException {
        Object v = rs.getObject(column);
        return v instanceof Number n ? n : null;
    }
}
