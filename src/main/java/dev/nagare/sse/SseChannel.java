package dev.nagare.sse;

import dev.nagare.wire.SseCodec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One named stream of events with a bounded history (at most {@code maxEvents}, none older than
 * {@code maxAgeMs}) so that a client that reconnects with Last-Event-ID resumes where it stopped.
 *
 * <p>Ids are consecutive within a process and start at the creation time in ms × 1000, so they also
 * keep increasing across restarts: an id from before a restart is simply older than the history,
 * and the client is told so by a {@code gap} event. Event-loop only (the home context).
 */
public final class SseChannel {
    /** One event as stored; {@code encoded} is its wire text, built once for every subscriber. */
    public record Event(long id, String event, String data, long ts, byte[] encoded) {
    }

    private final String name;
    private final int maxEvents;
    private final long maxAgeMs;
    private final ArrayDeque<Event> history = new ArrayDeque<>();
    private final Set<SseSubscriber> subscribers = new LinkedHashSet<>();
    private long nextId;

    SseChannel(String name, int maxEvents, long maxAgeMs, long nowMillis) {
        this.name = name;
        this.maxEvents = maxEvents;
        this.maxAgeMs = maxAgeMs;
        this.nextId = nowMillis * 1000;
    }

    public String name() {
        return name;
    }

    /** Stores the event and sends it to every subscriber; a subscriber that cannot keep up is dropped. */
    public Event publish(String event, String data, long nowMillis) {
        long id = nextId++;
        Event e = new Event(id, event, data, nowMillis,
                SseCodec.bytes(SseCodec.event(event, Long.toString(id), data)));
        history.addLast(e);
        trim(nowMillis);
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

    void remove(SseSubscriber s) {
        subscribers.remove(s);
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

    private void trim(long nowMillis) {
        while (!history.isEmpty()
                && (history.size() > maxEvents || history.peekFirst().ts() < nowMillis - maxAgeMs)) {
            history.removeFirst();
        }
    }
}
