package dev.nagare.sse;

import dev.nagare.wire.SseCodec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One named stream of events with a bounded history (at most {@code historyEvents} and
 * {@code channelHistoryBytes}, none older than {@code historyAge}, and the oldest go first when all
 * channels together pass the {@link HistoryBudget}) so that a client that reconnects with
 * Last-Event-ID resumes where it stopped, or is told by a {@code gap} event what it missed.
 *
 * <p>On one node, ids are consecutive within a channel's life and start at its creation time in
 * ms × 1000, so they also keep increasing across restarts and when an idle channel is removed and
 * later created again: an id from before is simply older than the history. In a cluster the ids
 * come from the shared stream ({@link SseBus}) and are increasing but not consecutive, so each event
 * also carries {@code prev}, the id of the event before it in this channel ({@link #UNKNOWN} when this
 * node cannot know it): a client whose last id is not {@code prev} has missed something. On one node
 * {@code prev} is always {@code id - 1}. Event-loop only (the home context).
 */
public final class SseChannel {
    /** Bookkeeping per stored event beyond its bytes (the record, the array header, the deque slot). */
    static final int EVENT_OVERHEAD = 96;

    /** The {@code prev} of an event whose predecessor this node cannot know (it may have missed some). */
    static final long UNKNOWN = -1;

    /** One event as stored: only its wire text, built once for every subscriber. */
    public record Event(long id, long prev, long ts, byte[] encoded) {
        int size() {
            return encoded.length + EVENT_OVERHEAD;
        }
    }

    private final String name;
    private final SseConfig config;
    private final HistoryBudget budget;
    private final ArrayDeque<Event> history = new ArrayDeque<>();
    private final Set<SseSubscriber> subscribers = new LinkedHashSet<>();
    private final boolean clustered;
    private long nextId;
    private long bytes;
    private boolean closed;
    private boolean broken; // clustered: the next event's predecessor is unknown

    SseChannel(String name, SseConfig config, HistoryBudget budget, long nowMillis) {
        this(name, config, budget, nowMillis * 1000, false);
    }

    private SseChannel(String name, SseConfig config, HistoryBudget budget, long firstId, boolean clustered) {
        this.name = name;
        this.config = config;
        this.budget = budget;
        this.nextId = firstId;
        this.clustered = clustered;
        this.broken = clustered;
    }

    /** A channel whose ids come from the cluster's stream: nothing is known of its events before the first. */
    static SseChannel clustered(String name, SseConfig config, HistoryBudget budget) {
        return new SseChannel(name, config, budget, 0, true);
    }

    public String name() {
        return name;
    }

    /** Stores the event and sends it to every subscriber; a subscriber that cannot keep up is dropped. */
    public Event publish(String event, String data, long nowMillis) {
        long id = nextId++;
        return store(new Event(id, id - 1, nowMillis, SseCodec.bytes(SseCodec.event(event, Long.toString(id), data))),
                nowMillis);
    }

    /**
     * Stores and sends an event read from the cluster's stream, with the stream's id; null when the id
     * is not newer than the last (already seen: a reader that resumed).
     */
    Event append(long id, String event, String data, long ts, long nowMillis) {
        if (id <= lastId()) {
            return null;
        }
        long prev = broken ? UNKNOWN : lastId();
        broken = false;
        nextId = id + 1;
        return store(new Event(id, prev, ts, SseCodec.bytes(SseCodec.event(event, Long.toString(id), data))), nowMillis);
    }

    /** Events may have been lost before the next one (the stream was cut): whoever resumes across it is told. */
    void broken() {
        broken = true;
    }

    boolean clustered() {
        return clustered;
    }

    private Event store(Event e, long nowMillis) {
        history.addLast(e);
        bytes += e.size();
        budget.added(this, e);
        trim(nowMillis);
        budget.enforce();
        for (SseSubscriber s : new ArrayList<>(subscribers)) {
            s.send(e);
        }
        return e;
    }

    /** The first stored event with an id above {@code id}, or null. */
    Event after(long id, long nowMillis) {
        trim(nowMillis);
        for (Event e : history) {
            if (e.id() > id) {
                return e;
            }
        }
        return null;
    }

    void add(SseSubscriber s) {
        subscribers.add(s);
    }

    boolean remove(SseSubscriber s) {
        return subscribers.remove(s);
    }

    int subscribers() {
        return subscribers.size();
    }

    Set<SseSubscriber> subscriberSet() {
        return subscribers;
    }

    long lastId() {
        return nextId - 1;
    }

    /** Bytes this channel's history holds (events' wire text plus {@link #EVENT_OVERHEAD} each). */
    long retainedBytes() {
        return bytes;
    }

    int events() {
        return history.size();
    }

    /** No subscriber and nothing left to resume from (after trimming by age): the channel may go. */
    boolean idle(long nowMillis) {
        trim(nowMillis);
        return subscribers.isEmpty() && history.isEmpty();
    }

    /** Whether event {@code id} is still in the history (histories only ever lose their oldest events). */
    boolean holds(long id) {
        return !closed && !history.isEmpty() && id >= history.peekFirst().id();
    }

    /** Drops the oldest event if it is event {@code id}; true when it was. For the {@link HistoryBudget}. */
    boolean evictOldest(long id) {
        if (history.isEmpty() || history.peekFirst().id() != id) {
            return false;
        }
        dropOldest();
        return true;
    }

    /** The channel is removed: its history is released; its subscribers are the caller's business. */
    void close() {
        while (!history.isEmpty()) {
            dropOldest();
        }
        closed = true;
    }

    void trim(long nowMillis) {
        long oldest = nowMillis - config.historyAge().toMillis();
        while (!history.isEmpty() && (history.size() > config.historyEvents()
                || bytes > config.channelHistoryBytes() || history.peekFirst().ts() < oldest)) {
            dropOldest();
        }
    }

    private void dropOldest() {
        Event e = history.removeFirst();
        bytes -= e.size();
        budget.released(e);
    }
}
