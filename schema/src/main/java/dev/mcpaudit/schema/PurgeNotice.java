package dev.mcpaudit.schema;

import java.util.List;

/**
 * A payload replaced through the purge path, as the verifier found it: the event at {@code seq} no
 * longer holds the payload its hash commits to, and the {@code payload.purged} event at
 * {@code purgedBySeq} says which values were removed, by whom, when and why. Reported, not a problem.
 *
 * @param pointers the RFC 6901 pointers whose values were replaced by {@code [PURGED:<purgedBySeq>]}
 * @param time when the purge was recorded (the payload.purged event's time)
 */
public record PurgeNotice(long seq, String type, long purgedBySeq, List<String> pointers, String reason, String osUser,
        String time) {

    public PurgeNotice {
        pointers = List.copyOf(pointers);
    }
}
