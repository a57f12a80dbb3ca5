package dev.mcpaudit.proxy.pipeline;

import java.util.PriorityQueue;

/**
 * One approval question at a time, handed out in the order the calls arrived from the agent (not the
 * order their threads got here): the user answers about the calls as the agent sent them.
 */
final class ArrivalTurns {
    private final PriorityQueue<Long> waiting = new PriorityQueue<>();
    private boolean taken;

    /** Waits until no question is open and no earlier arrival waits, then takes the turn. */
    synchronized void take(long arrival) throws InterruptedException {
        waiting.add(arrival);
        try {
            while (taken || waiting.peek() != arrival) {
                wait();
            }
        } catch (InterruptedException e) {
            waiting.remove(arrival);
            notifyAll();
            throw e;
        }
        waiting.poll();
        taken = true;
    }

    synchronized void release() {
        taken = false;
        notifyAll();
    }
}
