package dev.mcpaudit.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpaudit.cli.replay.CatalogueEntry.Status;
import dev.mcpaudit.fixtures.replay.Fixture;
import dev.mcpaudit.schema.compare.Comparison;
import dev.mcpaudit.schema.compare.JsonComparison;
import dev.mcpaudit.schema.compare.VolatileRules;
import dev.mcpaudit.schema.query.UpstreamAnswer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares two server catalogues (per profile, upstream's answers to {@code initialize} and
 * {@code tools/list}, as a fixture's {@code servers} section holds them): equal
 * {@code result_sha256} is the same; otherwise the bodies are compared with the default volatile
 * rules only, so a new {@code serverInfo.version}, a tool added or removed, or a changed input
 * schema is drift.
 *
 * <p>{@code tools/list} is compared once per side, not per profile: the proxy lists tools on its
 * default profile's session only, and every profile talks to the same server.
 */
final class CatalogueComparison {
    private static final VolatileRules RULES = VolatileRules.defaults();
    private static final String NOT_RECORDED_IN_FIXTURE = "the fixture holds no such answer: recorded without --record-results,"
            + " or made by hand";

    private CatalogueComparison() {}

    /** A recorded answer and its hash (either may be null). */
    record Part(JsonNode result, String sha256) {
        static Part of(Fixture.Server server, String method) {
            if (server == null) {
                return null;
            }
            Part p = UpstreamAnswer.INITIALIZE.equals(method) ? new Part(server.initialize(), server.initializeSha256())
                    : new Part(server.toolsList(), server.toolsListSha256());
            return p.result == null ? null : p;
        }
    }

    /**
     * The fixture's catalogue against the replay's: only profiles the replay initialised (the proxy
     * initialises a profile when a call first uses it), each under the name it was replayed as.
     *
     * @param recordedProfiles the fixture's profiles, in its order
     */
    static List<CatalogueEntry> ofReplay(Map<String, Fixture.Server> recorded, Map<String, Fixture.Server> replayed,
            Collection<String> recordedProfiles, ProfileMap profiles) {
        List<CatalogueEntry> out = new ArrayList<>();
        String listedAs = firstWith(replayed, UpstreamAnswer.TOOLS_LIST);
        boolean listCompared = false;
        for (String profile : recordedProfiles) {
            String sentAs = profiles.map(profile);
            if (!replayed.containsKey(sentAs)) {
                continue;
            }
            out.add(recordedOrNot(profile, sentAs, UpstreamAnswer.INITIALIZE, Part.of(recorded.get(profile), UpstreamAnswer.INITIALIZE),
                    Part.of(replayed.get(sentAs), UpstreamAnswer.INITIALIZE)));
            if (!listCompared && sentAs.equals(listedAs)) {
                Part then = Part.of(recorded.get(profile), UpstreamAnswer.TOOLS_LIST);
                if (then == null) {
                    String listedThen = firstWith(recorded, UpstreamAnswer.TOOLS_LIST);
                    then = listedThen == null ? null : Part.of(recorded.get(listedThen), UpstreamAnswer.TOOLS_LIST);
                }
                out.add(recordedOrNot(profile, sentAs, UpstreamAnswer.TOOLS_LIST, then, Part.of(replayed.get(sentAs), UpstreamAnswer.TOOLS_LIST)));
                listCompared = true;
            }
        }
        return out;
    }

    /**
     * Side A's catalogue against side B's, profile by profile (A's order, then B's). A side that
     * holds no answer at all was recorded without them: its parts read "not recorded", not "only".
     */
    static List<CatalogueEntry> ofDiff(Map<String, Fixture.Server> a, Map<String, Fixture.Server> b) {
        List<CatalogueEntry> out = new ArrayList<>();
        if (a.isEmpty() && b.isEmpty()) {
            out.add(new CatalogueEntry(null, null, null, Status.NOT_RECORDED, List.of(), 0,
                    "neither side holds upstream's initialize or tools/list answers; record with --record-results"));
            return out;
        }
        Set<String> names = new LinkedHashSet<>(a.keySet());
        names.addAll(b.keySet());
        for (String profile : names) {
            out.add(oneSided(profile, UpstreamAnswer.INITIALIZE, a, b, Part.of(a.get(profile), UpstreamAnswer.INITIALIZE),
                    Part.of(b.get(profile), UpstreamAnswer.INITIALIZE)));
        }
        String listedInA = firstWith(a, UpstreamAnswer.TOOLS_LIST);
        String listedInB = firstWith(b, UpstreamAnswer.TOOLS_LIST);
        if (listedInA != null || listedInB != null) {
            CatalogueEntry list = oneSided(listedInA != null ? listedInA : listedInB, UpstreamAnswer.TOOLS_LIST, a, b,
                    listedInA == null ? null : Part.of(a.get(listedInA), UpstreamAnswer.TOOLS_LIST),
                    listedInB == null ? null : Part.of(b.get(listedInB), UpstreamAnswer.TOOLS_LIST));
            out.add(new CatalogueEntry(listedInA, listedInB, list.method(), list.status(), list.differences(), list.ignoredPaths(),
                    list.note()));
        }
        return out;
    }

    /** Same (equal hash, or equal apart from volatile fields) or changed, with the pointers. */
    static CatalogueEntry compare(String profile, String sentAs, String method, Part recorded, Part actual) {
        if (recorded.sha256() != null && recorded.sha256().equals(actual.sha256())) {
            return new CatalogueEntry(profile, sentAs, method, Status.SAME, List.of(), 0, null);
        }
        Comparison c = JsonComparison.compare(recorded.result(), actual.result(), RULES);
        return new CatalogueEntry(profile, sentAs, method, c.matches() ? Status.SAME : Status.CHANGED, c.differences(),
                c.ignoredPaths(), null);
    }

    private static CatalogueEntry recordedOrNot(String profile, String sentAs, String method, Part recorded, Part actual) {
        if (recorded == null) {
            return new CatalogueEntry(profile, sentAs, method, Status.NOT_RECORDED, List.of(), 0, NOT_RECORDED_IN_FIXTURE);
        }
        if (actual == null) {
            return new CatalogueEntry(profile, sentAs, method, Status.NOT_RECORDED, List.of(), 0,
                    "the replay's session holds no such answer");
        }
        return compare(profile, sentAs, method, recorded, actual);
    }

    private static CatalogueEntry oneSided(String profile, String method, Map<String, Fixture.Server> a, Map<String, Fixture.Server> b,
            Part inA, Part inB) {
        if (inA != null && inB != null) {
            return compare(profile, null, method, inA, inB);
        }
        if (inA == null && inB == null) {
            return new CatalogueEntry(profile, null, method, Status.NOT_RECORDED, List.of(), 0, "neither side holds this answer");
        }
        boolean missingSideEmpty = inA == null ? a.isEmpty() : b.isEmpty();
        String missing = inA == null ? "A" : "B";
        if (missingSideEmpty) {
            return new CatalogueEntry(profile, null, method, Status.NOT_RECORDED, List.of(), 0,
                    "side " + missing + " holds no server answers: recorded without --record-results");
        }
        return new CatalogueEntry(profile, null, method, inA == null ? Status.ONLY_B : Status.ONLY_A, List.of(), 0,
                "side " + missing + " holds no " + method + " answer for this profile");
    }

    /** The first profile (in the map's order) whose server holds that answer, or null. */
    private static String firstWith(Map<String, Fixture.Server> servers, String method) {
        return servers.entrySet().stream().filter(e -> Part.of(e.getValue(), method) != null).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }
}
