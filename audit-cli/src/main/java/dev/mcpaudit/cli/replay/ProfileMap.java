package dev.mcpaudit.cli.replay;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code --profile-map old=new}: the profile that signs a replayed call in place of the one that
 * signed it when recorded (e.g. {@code prod=readonly-prod}, a role that can only read). A profile
 * not mapped signs as recorded.
 */
public final class ProfileMap {
    private final Map<String, String> replacements;

    private ProfileMap(Map<String, String> replacements) {
        this.replacements = Map.copyOf(replacements);
    }

    public static ProfileMap none() {
        return new ProfileMap(Map.of());
    }

    /**
     * Parses {@code old=new} entries; {@code recorded} are the fixture's profiles, so that a typo
     * is an error rather than a mapping that silently never applies.
     */
    public static ProfileMap parse(List<String> entries, Collection<String> recorded) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            String from = eq < 0 ? "" : entry.substring(0, eq).strip();
            String to = eq < 0 ? "" : entry.substring(eq + 1).strip();
            if (from.isEmpty() || to.isEmpty()) {
                throw new IllegalArgumentException("--profile-map '" + entry + "' is not OLD=NEW; write e.g. --profile-map prod=readonly-prod.");
            }
            if (!recorded.contains(from)) {
                throw new IllegalArgumentException("--profile-map " + entry + ": the fixture has no calls of profile '" + from
                        + "'; its profiles are " + new TreeSet<>(recorded) + ".");
            }
            String earlier = map.put(from, to);
            if (earlier != null && !earlier.equals(to)) {
                throw new IllegalArgumentException("--profile-map maps '" + from + "' twice (to '" + earlier + "' and '" + to
                        + "'); give one mapping per profile.");
            }
        }
        return new ProfileMap(map);
    }

    /** The profile that signs a call recorded under {@code recorded} (null stays null: the proxy's default). */
    public String map(String recorded) {
        return recorded == null ? null : replacements.getOrDefault(recorded, recorded);
    }

    public boolean maps(String recorded) {
        return recorded != null && replacements.containsKey(recorded);
    }
}
