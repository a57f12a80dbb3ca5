package dev.mcpaudit.proxy.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The figures one reliability scenario measured, each with its target: appended as JSON Lines to
 * {@code target/reliability/figures.jsonl} (one object per figure: scenario, figure, value, target,
 * met, command) and summarised on one stdout line. The file is started afresh once per test JVM, so
 * it holds the figures of the last run.
 *
 * <p>Sizes come from system properties with small defaults, so the normal build runs a fast subset
 * and {@code -Preliability} the full sizes; {@code reliability.command} names the command that
 * produced the figures.
 */
final class Figures {
    static final Path FILE = Path.of("target", "reliability", "figures.jsonl");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static boolean started;

    /** How a value is compared with its target. */
    enum Cmp { EQ, AT_MOST, AT_LEAST, INFO }

    /** One figure. {@code target} is null for an informational figure. */
    record Figure(String name, Object value, Cmp cmp, Object target) {
        Boolean met() {
            return switch (cmp) {
                case INFO -> null;
                case EQ -> value instanceof Number v && target instanceof Number t
                        ? v.doubleValue() == t.doubleValue() : Objects.equals(String.valueOf(value), String.valueOf(target));
                case AT_MOST -> ((Number) value).doubleValue() <= ((Number) target).doubleValue();
                case AT_LEAST -> ((Number) value).doubleValue() >= ((Number) target).doubleValue();
            };
        }

        String targetText() {
            return switch (cmp) {
                case INFO -> null;
                case EQ -> String.valueOf(target);
                case AT_MOST -> "≤ " + target;
                case AT_LEAST -> "≥ " + target;
            };
        }
    }

    private final String scenario;
    private final List<Figure> figures = new ArrayList<>();

    Figures(String scenario) {
        this.scenario = scenario;
    }

    static int size(String property, int defaultValue) {
        return Integer.getInteger("reliability." + property, defaultValue);
    }

    static long seed() {
        return Long.getLong("reliability.seed", 20_241_205L);
    }

    static String command() {
        return System.getProperty("reliability.command", "./mvnw -B verify");
    }

    /** True under -Preliability: the full set of cases where a scenario has a fast subset. */
    static boolean full() {
        return Boolean.getBoolean("reliability.full");
    }

    Figures equal(String figure, Object value, Object target) {
        figures.add(new Figure(figure, value, Cmp.EQ, target));
        return this;
    }

    Figures atMost(String figure, Number value, Number target) {
        figures.add(new Figure(figure, value, Cmp.AT_MOST, target));
        return this;
    }

    Figures atLeast(String figure, Number value, Number target) {
        figures.add(new Figure(figure, value, Cmp.AT_LEAST, target));
        return this;
    }

    Figures info(String figure, Object value) {
        figures.add(new Figure(figure, value, Cmp.INFO, null));
        return this;
    }

    List<Figure> all() {
        return List.copyOf(figures);
    }

    /** Figures whose target was missed, as "figure: value (target …)". */
    List<String> missed() {
        List<String> out = new ArrayList<>();
        for (Figure f : figures) {
            if (Boolean.FALSE.equals(f.met())) {
                out.add(f.name() + ": " + f.value() + " (target " + f.targetText() + ")");
            }
        }
        return out;
    }

    /** Appends every figure to the JSON Lines file and prints the one-line summary. */
    Figures write() {
        StringBuilder lines = new StringBuilder();
        StringBuilder summary = new StringBuilder("[reliability] ").append(scenario).append(':');
        String now = Instant.now().toString();
        for (Figure f : figures) {
            ObjectNode o = JSON.createObjectNode();
            o.put("scenario", scenario);
            o.put("figure", f.name());
            o.set("value", JSON.valueToTree(f.value()));
            o.put("target", f.targetText());
            Boolean met = f.met();
            if (met == null) {
                o.putNull("met");
            } else {
                o.put("met", met);
            }
            o.put("command", command());
            o.put("recorded_at", now);
            lines.append(o).append('\n');
            summary.append(' ').append(f.name().replace(' ', '_')).append('=').append(f.value());
            if (Boolean.FALSE.equals(met)) {
                summary.append("(MISSED:").append(f.targetText()).append(')');
            }
        }
        append(lines.toString());
        System.out.println(summary);
        return this;
    }

    private static synchronized void append(String text) {
        try {
            Files.createDirectories(FILE.getParent());
            if (!started) {
                Files.deleteIfExists(FILE);
                started = true;
            }
            Files.writeString(FILE, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
