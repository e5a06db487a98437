package dev.nagare.sse;

import java.util.ArrayDeque;

/**
 * The bytes all channels' histories hold together, and the order events were stored in, so that
 * when the total passes the limit the oldest events of any channel go first (issue 15: a flood of
 * large events on many channels grew the heap until the JVM died).
 *
 * <p>The order queue is lazy: an event a channel trimmed itself (by count, age or its own byte
 * limit) stays in it until it reaches the front or the queue is compacted, which happens when it
 * holds more than twice the live events; it keeps only ids, so a trimmed event's bytes are freed
 * at once (the chaos suite's slow SSE reader found ~50 MB of trimmed events held). Because every history only loses its oldest events, the
 * oldest live event in the queue is always the oldest of its channel. Event-loop only.
 */
final class HistoryBudget {
    /** An event by its id, not by reference: a trimmed event's bytes must not stay reachable from here. */
    private record Stored(SseChannel channel, long id) {
    }

    private final long limit;
    private final ArrayDeque<Stored> order = new ArrayDeque<>();
    private long bytes;
    private long events;

    HistoryBudget(long limit) {
        this.limit = limit;
    }

    void added(SseChannel channel, SseChannel.Event e) {
        order.addLast(new Stored(channel, e.id()));
        bytes += e.size();
        events++;
    }

    void released(SseChannel.Event e) {
        bytes -= e.size();
        events--;
    }

    /** Evicts the oldest events of all channels until the total fits, and compacts the order queue. */
    void enforce() {
        while (bytes > limit && !order.isEmpty()) {
            Stored s = order.pollFirst();
            s.channel().evictOldest(s.id());
        }
        if (order.size() > 2 * events + 1024) {
            order.removeIf(s -> !s.channel().holds(s.id()));
        }
    }

    long bytes() {
        return bytes;
    }

    long limit() {
        return limit;
    }
}
