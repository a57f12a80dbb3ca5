package dev.mcpaudit.cli.replay;

import dev.mcpaudit.schema.writes.AwsOperation;
import dev.mcpaudit.fixtures.replay.Fixture;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What a replay will do with each recorded call, in recorded order: send it (as which profile) or skip it (why). */
public record ReplayPlan(List<PlannedCall> calls) {

    public ReplayPlan {
        calls = List.copyOf(calls);
    }

    /**
     * One recorded call and its fate.
     *
     * @param number 1-based position in the fixture, shown as {@code #n}; also the JSON-RPC id it is sent with
     * @param sendAs the profile that signs it (after --profile-map); null when the call was recorded without one
     */
    public record PlannedCall(int number, Fixture.Call call, String sendAs, ReplaySafety.Decision decision) {
        public boolean send() {
            return decision.send();
        }

        /** {@code aws___call_aws s3api put-bucket-policy}, {@code resources/read aws://docs/readme}. */
        public String description() {
            if (!Fixture.Call.TOOLS_CALL.equals(call.method())) {
                return call.method() + " " + (call.target() == null ? "(no target)" : call.target());
            }
            String tool = call.tool() == null ? "(no name)" : call.tool();
            return AwsOperation.ofCall(call.tool(), call.args())
                    .filter(op -> op != AwsOperation.PURGED)
                    .map(op -> tool + " " + op.name())
                    .orElse(tool);
        }

        /** {@code prod}, or {@code prod->readonly-prod} when --profile-map changed it. */
        public String profileLabel() {
            String recorded = call.profile();
            if (recorded == null) {
                return sendAs == null ? "-" : "->" + sendAs;
            }
            return recorded.equals(sendAs) || sendAs == null ? recorded : recorded + "->" + sendAs;
        }
    }

    /** Decides every call of the fixture. */
    public static ReplayPlan of(Fixture fixture, ReplaySafety safety, ProfileMap profiles) {
        List<PlannedCall> planned = new ArrayList<>();
        int number = 1;
        for (Fixture.Call call : fixture.calls()) {
            planned.add(new PlannedCall(number++, call, profiles.map(call.profile()), safety.decide(call)));
        }
        return new ReplayPlan(planned);
    }

    public List<PlannedCall> toSend() {
        return calls.stream().filter(PlannedCall::send).toList();
    }

    /** Calls skipped because they could not be proven read-only: what --strict refuses. */
    public List<PlannedCall> refusedForSafety() {
        return calls.stream().filter(c -> c.decision().skipKind() == ReplaySafety.SkipKind.NOT_READ_ONLY).toList();
    }

    /**
     * The profiles the proxy must allow: those of the calls sent, in order of first use, so the
     * first sent call's profile is the proxy's default (which signs the calls that name none).
     */
    public List<String> proxyProfiles() {
        Set<String> profiles = new LinkedHashSet<>();
        toSend().forEach(c -> {
            if (c.sendAs() != null) {
                profiles.add(c.sendAs());
            }
        });
        return List.copyOf(profiles);
    }
}
