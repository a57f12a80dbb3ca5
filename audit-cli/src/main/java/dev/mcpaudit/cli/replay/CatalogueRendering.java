package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.schema.compare.Difference;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The server-catalogue section as text, Markdown and JSON, the same for {@code replay} and
 * {@code diff}: one entry per answer compared, the differing pointers under a changed one.
 */
final class CatalogueRendering {
    private static final String TAG = "CATALOGUE  ";

    private CatalogueRendering() {}

    /** {@code CATALOGUE  CHANGED  dev  tools/list} and its pointers, one line each. */
    static void text(PrintWriter out, List<CatalogueEntry> catalogue) {
        int statusWidth = 0;
        int profileWidth = 0;
        for (CatalogueEntry c : catalogue) {
            statusWidth = Math.max(statusWidth, c.status().tag.length());
            profileWidth = Math.max(profileWidth, c.profileLabel().length());
        }
        String indent = " ".repeat(TAG.length() + 2);
        for (CatalogueEntry c : catalogue) {
            String what = c.method() == null ? c.subject() : pad(c.profileLabel(), profileWidth) + "  " + c.method();
            String detail = detail(c);
            out.println((TAG + pad(c.status().tag, statusWidth) + "  " + what + (detail == null ? "" : "  (" + detail + ")"))
                    .stripTrailing());
            c.differences().stream().limit(ReplayText.SHOWN_DIFFERENCES).forEach(d -> out.println(indent + ReplayText.difference(d)));
            if (c.differences().size() > ReplayText.SHOWN_DIFFERENCES) {
                out.println(indent + "and " + (c.differences().size() - ReplayText.SHOWN_DIFFERENCES) + " more");
            }
        }
    }

    /** A small table of its own, followed by a blank line; nothing when nothing was compared. */
    static void markdown(PrintWriter out, List<CatalogueEntry> catalogue) {
        if (catalogue.isEmpty()) {
            return;
        }
        out.println("| catalogue | answer | status | detail |");
        out.println("|---|---|---|---|");
        for (CatalogueEntry c : catalogue) {
            List<String> parts = new ArrayList<>();
            String detail = detail(c);
            if (detail != null) {
                parts.add(cell(detail));
            }
            parts.addAll(markdownDifferences(c.differences()));
            String tag = c.status().tag;
            out.println("| " + cell(c.profileLabel()) + " | " + (c.method() == null ? "-" : "`" + c.method() + "`") + " | "
                    + (c.isDrift() ? "**" + tag + "**" : tag) + " | " + String.join("<br>", parts) + " |");
        }
        out.println();
    }

    /**
     * {@code [{profile, <other profile>?, what, status, reason?, ignored_volatile_paths, differences}]}, with the
     * names each report uses for the other side's profile and for the two values of a difference.
     */
    static void json(ArrayNode into, List<CatalogueEntry> catalogue, String otherProfileName, String recordedName, String actualName) {
        for (CatalogueEntry c : catalogue) {
            ObjectNode entry = into.addObject();
            entry.put("profile", c.profile());
            if (c.sentAs() != null && !c.sentAs().equals(c.profile())) {
                entry.put(otherProfileName, c.sentAs());
            }
            entry.put("what", c.method());
            entry.put("status", c.status().wire);
            if (c.note() != null) {
                entry.put("reason", c.note());
            }
            entry.put("ignored_volatile_paths", c.ignoredPaths());
            jsonDifferences(entry.putArray("differences"), c.differences(), recordedName, actualName);
        }
    }

    /** Each difference as {@code {pointer, kind, <recorded>, <actual>}}; an absent side is left out. */
    static void jsonDifferences(ArrayNode into, List<Difference> differences, String recordedName, String actualName) {
        for (Difference d : differences) {
            ObjectNode o = into.addObject().put("pointer", d.pointer()).put("kind", d.kind().name().toLowerCase(Locale.ROOT));
            if (d.recorded() != null) {
                o.set(recordedName, d.recorded());
            }
            if (d.actual() != null) {
                o.set(actualName, d.actual());
            }
        }
    }

    /** The first few differences as {@code `pointer`: `old` → `new`}, and how many more. */
    static List<String> markdownDifferences(List<Difference> differences) {
        List<String> parts = new ArrayList<>();
        differences.stream().limit(ReplayText.SHOWN_DIFFERENCES)
                .forEach(d -> parts.add("`" + cell(d.pointer()) + "`: `" + cell(ReplayText.value(d.recorded())) + "` &rarr; `"
                        + cell(ReplayText.value(d.actual())) + "`"));
        if (differences.size() > ReplayText.SHOWN_DIFFERENCES) {
            parts.add("and " + (differences.size() - ReplayText.SHOWN_DIFFERENCES) + " more");
        }
        return parts;
    }

    private static String detail(CatalogueEntry c) {
        if (c.note() != null) {
            return c.note();
        }
        return c.ignoredPaths() > 0 ? c.ignoredPaths() + " volatile path" + (c.ignoredPaths() == 1 ? "" : "s") + " ignored" : null;
    }

    /** Pipes and line breaks would end the cell or the row. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
