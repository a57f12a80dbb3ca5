package dev.mcpaudit.schema.redact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The members AWS's own service models mark sensitive, per AWS CLI operation: the table
 * {@code aws-sensitive-members.tsv}, generated from botocore's models by
 * {@code schema/tools/generate-sensitive-members.py} and committed, so the build needs no botocore.
 * Read once, on first use; an operation's rows are found by binary search (the table is sorted)
 * and parsed when a command first runs it.
 *
 * <p>A row is {@code service operation direction path type flag}, e.g.
 * {@code lambda create-function input Environment.Variables map --environment}. A path is a chain of
 * model member names: {@code .Name} a member, {@code []} any element of a list, {@code .*} any value
 * of a map, {@code .**} any number of levels; everything below the path is sensitive.
 */
final class SensitiveMembers {
    static final String RESOURCE = "aws-sensitive-members.tsv";
    private static final Pattern VERSION = Pattern.compile("from botocore (\\S+)");

    /** One step of a member path. */
    sealed interface Step permits Member, AnyElement, AnyValue, AnyDepth {}

    /** A member of a structure, by its model name (which is also its JSON and shorthand key). */
    record Member(String name) implements Step {}

    /** Any element of a list. */
    record AnyElement() implements Step {}

    /** Any value of a map (keys are names, not secrets, and are kept). */
    record AnyValue() implements Step {}

    /** Any number of levels, zero included. */
    record AnyDepth() implements Step {}

    /**
     * A sensitive member path of one operation.
     *
     * @param path as the table writes it, e.g. {@code Environment.Variables}
     * @param steps the path parsed, starting with the top-level member
     * @param type the model type at the path: string, structure, map, list, blob, long, ...
     * @param rule what a finding names, e.g. {@code lambda.create-function.Environment.Variables}
     */
    record MemberPath(String path, List<Step> steps, String type, String rule) {
        /** The steps below the top-level member: empty when the whole member is sensitive. */
        List<Step> belowTop() {
            return steps.subList(1, steps.size());
        }

        String topMember() {
            return ((Member) steps.get(0)).name();
        }
    }

    /** The sensitive members of one operation's input (by CLI flag) and output (by top-level member). */
    record Operation(String service, String name, Map<String, List<MemberPath>> inputsByFlag,
            List<MemberPath> inputs, Map<String, List<MemberPath>> outputsByTop) {}

    /** One row of the table, as written. */
    record Row(String service, String operation, String direction, String path, String type, String flag) {}

    private static final class Holder {
        static final SensitiveMembers AWS = load();
    }

    private final String botocoreVersion;
    private final String text;
    /** Where each row starts in {@link #text}; the rows are sorted, so an operation is found by binary search. */
    private final int[] rowStarts;
    /** Operations looked up so far: a call parses only its own operation's few rows. */
    private final Map<String, Optional<Operation>> parsed = new ConcurrentHashMap<>();

    private SensitiveMembers(String text) {
        this.text = text;
        String version = "unknown";
        int[] starts = new int[1024];
        int rows = 0;
        for (int at = 0; at < text.length(); ) {
            int eol = text.indexOf('\n', at);
            int end = eol < 0 ? text.length() : eol;
            if (text.startsWith("#", at)) {
                Matcher v = VERSION.matcher(text.substring(at, end));
                if (v.find()) {
                    version = v.group(1);
                }
            } else if (end > at) {
                if (rows == starts.length) {
                    starts = Arrays.copyOf(starts, rows * 2);
                }
                starts[rows++] = at;
            }
            at = end + 1;
        }
        this.botocoreVersion = version;
        this.rowStarts = Arrays.copyOf(starts, rows);
    }

    /** The table shipped in the jar. */
    static SensitiveMembers aws() {
        return Holder.AWS;
    }

    /** The operation's sensitive members, or null when it has none; {@code serviceOperation} is "rds create-db-instance". */
    Operation operation(String serviceOperation) {
        Optional<Operation> known = parsed.get(serviceOperation);
        if (known == null) {
            known = Optional.ofNullable(find(serviceOperation));
            if (parsed.size() < 10_000) { // every operation in the table fits; made-up commands stop adding
                parsed.put(serviceOperation, known);
            }
        }
        return known.orElse(null);
    }

    private Operation find(String serviceOperation) {
        int space = serviceOperation.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String key = serviceOperation.substring(0, space) + "\t" + serviceOperation.substring(space + 1) + "\t";
        int lo = 0;
        int hi = rowStarts.length;
        while (lo < hi) { // the first row whose service and operation are not below the key
            int mid = (lo + hi) >>> 1;
            if (compareKey(rowStarts[mid], key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int end = lo;
        while (end < rowStarts.length && compareKey(rowStarts[end], key) == 0) {
            end++;
        }
        if (end == lo) {
            return null;
        }
        int to = end < rowStarts.length ? rowStarts[end] : text.length();
        return operation(rows(rowStarts[lo], to));
    }

    /** The row's "service TAB operation TAB" against {@code key}, as the generator sorted them. */
    private int compareKey(int rowStart, String key) {
        int n = Math.min(key.length(), text.length() - rowStart);
        for (int i = 0; i < n; i++) {
            int d = text.charAt(rowStart + i) - key.charAt(i);
            if (d != 0) {
                return d;
            }
        }
        return n == key.length() ? 0 : -1;
    }

    String botocoreVersion() {
        return botocoreVersion;
    }

    /** Every row, in table order. */
    List<Row> rows() {
        return rows(0, text.length());
    }

    private List<Row> rows(int from, int to) {
        List<Row> rows = new ArrayList<>();
        for (String line : text.substring(from, to).split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 6) {
                throw new IllegalStateException(RESOURCE + ": line \"" + line + "\" does not have 6 columns");
            }
            rows.add(new Row(f[0], f[1], f[2], f[3], f[4], f[5]));
        }
        return rows;
    }

    private static Operation operation(List<Row> rows) {
        Map<String, List<MemberPath>> byFlag = new HashMap<>();
        List<MemberPath> inputs = new ArrayList<>();
        Map<String, List<MemberPath>> outputs = new HashMap<>();
        for (Row row : rows) {
            MemberPath path = new MemberPath(row.path(), parse(row.path()), row.type(),
                    row.service() + "." + row.operation() + "." + row.path());
            if (row.direction().equals("input")) {
                inputs.add(path);
                byFlag.computeIfAbsent(row.flag(), k -> new ArrayList<>()).add(path);
            } else {
                outputs.computeIfAbsent(path.topMember(), k -> new ArrayList<>()).add(path);
            }
        }
        byFlag.replaceAll((flag, list) -> List.copyOf(list));
        outputs.replaceAll((top, list) -> List.copyOf(list));
        return new Operation(rows.get(0).service(), rows.get(0).operation(), Map.copyOf(byFlag),
                List.copyOf(inputs), Map.copyOf(outputs));
    }

    /** {@code A.B[].*.**.C} into steps; the first step is always a member. */
    static List<Step> parse(String path) {
        List<Step> steps = new ArrayList<>();
        int at = 0;
        int n = path.length();
        while (at < n) {
            if (path.startsWith("[]", at)) {
                steps.add(new AnyElement());
                at += 2;
                continue;
            }
            if (at > 0) {
                if (path.charAt(at) != '.') {
                    throw new IllegalArgumentException("bad member path " + path + " at " + at);
                }
                at++;
            }
            if (path.startsWith("**", at)) {
                steps.add(new AnyDepth());
                at += 2;
            } else if (path.startsWith("*", at)) {
                steps.add(new AnyValue());
                at++;
            } else {
                int start = at;
                while (at < n && (Character.isLetterOrDigit(path.charAt(at)) || path.charAt(at) == '_' || path.charAt(at) == '-')) {
                    at++;
                }
                if (at == start) {
                    throw new IllegalArgumentException("bad member path " + path + " at " + at);
                }
                steps.add(new Member(path.substring(start, at)));
            }
        }
        if (steps.isEmpty() || !(steps.get(0) instanceof Member)) {
            throw new IllegalArgumentException("member path " + path + " must start with a member name");
        }
        return List.copyOf(steps);
    }

    static SensitiveMembers load() {
        try (InputStream in = SensitiveMembers.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return new SensitiveMembers(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
