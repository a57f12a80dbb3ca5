package dev.mcpaudit.cli.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The whole {@link Report} as JSON, field names in snake_case; arguments are embedded as JSON.
 * Listings carry {@code total}, {@code not_listed} and {@code rows}; an empty scope adds {@code message};
 * {@code protected_writes} is there only when the scope has approvals ({@code call.approval}).
 */
final class ReportJson {
    static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private ReportJson() {}

    static String render(Report r) throws JsonProcessingException {
        ObjectNode tree = JSON.valueToTree(r);
        ObjectNode root = JSON.createObjectNode();
        root.put("report_format", FORMAT_VERSION);
        if (r.empty()) {
            root.put("message", r.noCallsMessage());
        }
        root.setAll(tree);
        if (r.protectedWrites().total() == 0) {
            root.remove("protected_writes"); // only a log written with --confirm-writes has approvals
        }
        for (String listing : new String[] {"sessions", "mutating_calls", "denied_calls", "purges", "protected_writes"}) {
            ObjectNode l = (ObjectNode) root.get(listing);
            if (l == null) {
                continue;
            }
            l.put("not_listed", l.get("total").asLong() - l.get("rows").size());
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
}
