package dev.mcpaudit.cli.replay;

import dev.mcpaudit.fixtures.replay.Fixture;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One side of {@code audit-cli diff}: where its calls came from and the calls, in recorded order.
 *
 * @param name          {@code A} or {@code B}
 * @param kind          {@code session} or {@code fixture}
 * @param source        the session id, or the fixture file as given
 * @param sessionId     the session the calls were recorded in
 * @param profile       the one profile kept ({@code --profiles}), else null
 * @param ignore        volatile pointers the fixture itself names (its {@code volatile.ignore})
 * @param ignoreKeys    volatile keys the fixture itself names (its {@code volatile.ignore_keys})
 * @param servers       upstream's recorded answers to initialize and tools/list per profile (a fixture's
 *                      {@code servers}); empty when recorded without them
 */
record DiffSide(String name, String kind, String source, String sessionId, String profile, List<DiffCall> calls,
        List<String> ignore, List<String> ignoreKeys, Map<String, Fixture.Server> servers) {

    DiffSide {
        calls = List.copyOf(calls);
        ignore = List.copyOf(ignore);
        ignoreKeys = List.copyOf(ignoreKeys);
        servers = Collections.unmodifiableMap(new LinkedHashMap<>(servers));
    }

    DiffSide withCalls(List<DiffCall> newCalls) {
        return new DiffSide(name, kind, source, sessionId, profile, newCalls, ignore, ignoreKeys, servers);
    }

    /** Each profile used, with the accounts and regions its calls went to: {@code dev 111122223333 us-east-1}. */
    Map<String, String> profiles() {
        Map<String, Set<String>> where = new LinkedHashMap<>();
        for (DiffCall c : calls) {
            Set<String> places = where.computeIfAbsent(String.valueOf(c.profile()), p -> new LinkedHashSet<>());
            String place = (c.accountId() == null ? "account ?" : c.accountId()) + (c.region() == null ? "" : " " + c.region());
            places.add(place);
        }
        Map<String, String> out = new LinkedHashMap<>();
        where.forEach((p, places) -> out.put(p, String.join(", ", places)));
        return out;
    }

    /** The distinct account ids of its calls, in order of first use. */
    Set<String> accounts() {
        return calls.stream().map(DiffCall::accountId).filter(a -> a != null).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** {@code session 0b6c… (dev 111122223333 us-east-1; 12 calls)}: for report headers. */
    String describe() {
        String what = kind.equals("fixture") ? "fixture " + source + (sessionId == null ? "" : " (session " + sessionId + ")")
                : "session " + source;
        if (profile != null) {
            what += ", profile " + profile;
        }
        String places = profiles().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("; "));
        return what + " [" + (places.isEmpty() ? "" : places + "; ") + calls.size() + (calls.size() == 1 ? " call]" : " calls]");
    }
}
