package dev.nagare.sse;

import io.vertx.core.Future;
import java.util.List;

/**
 * How SSE events reach every node of a cluster: one log of all channels' events, in one order,
 * read by every node. A publish only appends to the log; every node, the publishing one included,
 * delivers what it reads back, so an event has the same id and the same place on every node and is
 * never delivered twice. Without a cluster there is no bus and {@link SseChannels} numbers events
 * itself. {@link RedisSseBus} is the Redis Streams implementation.
 */
public interface SseBus {
    /** Cluster ids are the log's time in ms × ID_SCALE + its sequence within that ms. */
    long ID_SCALE = 1_000_000;

    /**
     * One event as read from the log, already checked (name, event, size).
     *
     * @param ms the log's time of the event
     * @param fromHere published by this node
     * @param replayed read while this node caught up at start (older than the node's start)
     */
    record Entry(long id, String channel, String event, String data, long ms, boolean fromHere, boolean replayed) {
    }

    /** What the bus calls, on any thread, batches in log order. */
    interface Receiver {
        void events(List<Entry> batch);

        /** The reader was cut off and events after the last one it read may be gone from the log. */
        void mayHaveLost();
    }

    /** Starts reading: first the log's events of the last {@code windowMs} (this node's histories), then live. */
    void start(Receiver receiver, long windowMs);

    /** Appends to the log; completes with the event's id, or fails when the log cannot be reached. */
    Future<Long> publish(String channel, String event, String data);

    Future<Void> close();
}
