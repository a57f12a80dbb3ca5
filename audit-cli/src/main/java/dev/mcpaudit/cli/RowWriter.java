package dev.mcpaudit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints rows (ordered maps) in the formats every listing offers: an aligned table for people,
 * JSON (one array), JSON Lines and CSV (RFC 4180) for tools. Columns holding JSON text (args,
 * result) are embedded as JSON, not as strings, in json/jsonl.
 */
public final class RowWriter {
    public enum Format { table, json, jsonl, csv }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> JSON_COLUMNS = Set.of("args", "result", "payload", "client_info", "profiles",
            "refused_profiles");
    private static final int MAX_CELL = 60;

    private RowWriter() {}

    public static void write(PrintWriter out, Format format, List<String> columns, List<Map<String, Object>> rows)
            throws java.io.IOException {
        switch (format) {
            case json -> {
                ArrayNode array = JSON.createArrayNode();
                rows.forEach(r -> array.add(toJson(columns, r)));
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
            }
            case jsonl -> rows.forEach(r -> out.println(toJson(columns, r).toString()));
            case csv -> {
                out.println(String.join(",", columns.stream().map(RowWriter::csv).toList()));
                for (Map<String, Object> r : rows) {
                    out.println(String.join(",", columns.stream().map(c -> csv(text(r.get(c)))).toList()));
                }
            }
            default -> table(out, columns, rows);
        }
        out.flush();
    }

    public static ObjectNode toJson(List<String> columns, Map<String, Object> row) {
        ObjectNode o = JSON.createObjectNode();
        for (String c : columns) {
            Object v = row.get(c);
            if (v == null) {
                o.putNull(c);
            } else if (v instanceof Number n) {
                o.set(c, JSON.valueToTree(n));
            } else if (JSON_COLUMNS.contains(c)) {
                JsonNode parsed = JsonText.parse(v.toString());
                o.set(c, parsed == null ? JSON.getNodeFactory().textNode(v.toString()) : parsed);
            } else {
                o.put(c, v.toString());
            }
        }
        return o;
    }

    private static void table(PrintWriter out, List<String> columns, List<Map<String, Object>> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(columns.toArray(String[]::new));
        for (Map<String, Object> r : rows) {
            cells.add(columns.stream().map(c -> shorten(text(r.get(c)))).toArray(String[]::new));
        }
        int[] widths = new int[columns.size()];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                b.append(i == line.length - 1 ? line[i] : String.format("%-" + widths[i] + "s  ", line[i]));
            }
            out.println(b.toString().stripTrailing());
        }
    }

    public static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return String.valueOf(d.longValue());
        }
        return v.toString();
    }

    private static String shorten(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= MAX_CELL ? one : one.substring(0, MAX_CELL - 1) + "…";
    }

    public static String csv(String s) {
        if (s.isEmpty() || s.chars().noneMatch(ch -> ch == ',' || ch == '"' || ch == '\n' || ch == '\r')) {
            return s;
        }
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
