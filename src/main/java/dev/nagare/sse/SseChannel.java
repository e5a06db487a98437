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
 * <p>Ids are consecutive within a channel's life and start at its creation time in ms × 1000, so
 * they also keep increasing across restarts and when an idle channel is removed and later created
 * again: an id from before is simply older than the history. Event-loop only (the home context).
 */
public final class SseChannel {
    /** Bookkeeping per stored event beyond its bytes (the record, the array header, the deque slot). */
    static final int EVENT_OVERHEAD = 96;

    /** One event as stored: only its wire text, built once for every subscriber. */
    public record Event(long id, long ts, byte[] encoded) {
        int size() {
            return encoded.length + EVENT_OVERHEAD;
        }
    }

    private final String name;
    private final SseConfig config;
    private final HistoryBudget budget;
    private final ArrayDeque<Event> history = new ArrayDeque<>();
    private final Set<SseSubscriber> subscribers = new LinkedHashSet<>();
    private long nextId;
    private long bytes;
    private boolean closed;

    SseChannel(String name, SseConfig config, HistoryBudget budget, long nowMillis) {
        this.name = name;
        this.config = config;
        this.budget = budget;
        this.nextId = nowMillis * 1000;
    }

    public String name() {
        return name;
    }

    /** Stores the event and sends it to every subscriber; a subscriber that cannot keep up is dropped. */
    public Event publish(String event, String data, long nowMillis) {
        long id = nextId++;
        Event e = new Event(id, nowMillis, SseCodec.bytes(SseCodec.event(event, Long.toString(id), data)));
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
