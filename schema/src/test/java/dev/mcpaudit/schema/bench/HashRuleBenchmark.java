package dev.mcpaudit.schema.bench;

import dev.mcpaudit.schema.ChainHash;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the chain rule costs per event on the writer's side, without SQLite or fsync (which
 * {@link AppendBenchmark} includes): rule 1 hashes the canonical event with the payload inside; rule 2
 * draws a 16-byte salt, hashes salt and payload, then hashes the canonical event holding that digest.
 * Same ~500-byte canonical payload as the other benchmarks.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = "-Dslf4j.internal.verbosity=ERROR")
@State(Scope.Thread)
public class HashRuleBenchmark {
    private static final HexFormat HEX = HexFormat.of();
    private final SecureRandom random = new SecureRandom();
    private final String payload = BenchEvents.canonicalPayload(42);
    private final String prev = "ab".repeat(32);
    private final String eventId = "01a21a38-93c1-7000-8000-000000000002";
    private final String time = "2026-12-01T10:00:00.000Z";
    private final String session = "0b6c3a1e-5d2f-4c8a-9e71-3f0d2a6b8c45";
    private final String call = "01a21a38-93c0-762c-a5b5-e177999770d8";

    @Benchmark
    public String rule1() {
        return ChainHash.next(prev, ChainHash.canonicalEvent(eventId, "call.requested", time, session, call, payload));
    }

    @Benchmark
    public String rule2() {
        byte[] salt = new byte[ChainHash.SALT_BYTES];
        random.nextBytes(salt);
        String digest = ChainHash.payloadSha256(HEX.formatHex(salt), payload);
        return ChainHash.next(prev, ChainHash.canonicalEventV2(eventId, "call.requested", time, session, call, digest));
    }
}
