package dev.nagare.engine;

import dev.nagare.wire.EnginePacket;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the engine's loop writes during one of its turns to WebSockets served by other event loops,
 * gathered per loop and handed to each loop as one task at the end of the turn (issue 21, "every
 * core"). A broadcast to thousands of sockets spread over four loops thus costs the engine's loop
 * four task hand-overs instead of one per receiver (Netty wraps every write from a foreign thread in
 * a task of its own), and each loop writes the same frame bytes ({@link EnginePacket#webSocketFrame()},
 * made once by whichever loop writes the packet first, memoised in a volatile field: at worst once per
 * loop when loops race) to each of its channels and flushes them, in parallel with the others.
 *
 * <p>Order: everything the engine writes to one socket goes through here while the socket is on
 * another loop, its close included, and each loop runs its tasks in order, so a socket's frames
 * leave in the order the session sent them and its close comes after them.
 *
 * <p>Engine loop only, except {@link Batch#run} which runs on its own loop.
 */
final class LoopOutbox {
    private final EventExecutor engineLoop;
    private final Map<EventExecutor, Batch> pending = new IdentityHashMap<>(); // engine loop only
    private boolean scheduled; // engine loop only
    private long handedOver; // engine loop only: tasks handed to other loops so far
    private final Runnable drain = this::drain;

    LoopOutbox(EventExecutor engineLoop) {
        this.engineLoop = engineLoop;
    }

    /** Queues {@code packets} for {@code t}, written on its loop at the end of this turn. */
    void write(WebSocketTransport t, List<EnginePacket> packets) {
        batch(t).add(t, packets);
    }

    /** Queues {@code t}'s close, behind what was queued for it. */
    void close(WebSocketTransport t, short code, String reason) {
        batch(t).add(t, new Close(code, reason));
    }

    private Batch batch(WebSocketTransport t) {
        EventExecutor loop = t.eventLoop();
        Batch b = pending.get(loop);
        if (b == null) {
            b = new Batch();
            pending.put(loop, b);
            if (!scheduled) {
                scheduled = true;
                engineLoop.execute(drain); // after this turn's work, like the flush of a socket on this loop
            }
        }
        return b;
    }

    private void drain() {
        scheduled = false;
        for (Map.Entry<EventExecutor, Batch> e : pending.entrySet()) {
            e.getKey().execute(e.getValue());
        }
        handedOver += pending.size();
        pending.clear();
    }

    /** Tasks handed to other loops so far (one per loop and engine turn that wrote there). */
    long handedOver() {
        return handedOver;
    }

    /** A close queued behind writes: code 0 means a plain close (no code, no reason). */
    private record Close(short code, String reason) {
    }

    /** One loop's share of a turn: sockets and what to do to each, in order. Built on the engine loop, run on its own. */
    private static final class Batch implements Runnable {
        private final List<WebSocketTransport> transports = new ArrayList<>();
        private final List<Object> items = new ArrayList<>(); // List<EnginePacket> or Close

        void add(WebSocketTransport t, Object item) {
            transports.add(t);
            items.add(item);
        }

        /** Writes everything, then flushes each socket written to once (or schedules it, within its write window). */
        @Override
        @SuppressWarnings("unchecked")
        public void run() {
            List<WebSocketTransport> written = new ArrayList<>();
            for (int i = 0; i < transports.size(); i++) {
                WebSocketTransport t = transports.get(i);
                if (items.get(i) instanceof Close c) {
                    t.closeOnLoop(c.code(), c.reason()); // Vert.x's close frame flushes the frames before it
                } else if (t.writeFrames((List<EnginePacket>) items.get(i)) && !t.inBatch) {
                    t.inBatch = true;
                    written.add(t);
                }
            }
            for (WebSocketTransport t : written) {
                t.inBatch = false;
                t.flushWhenDue(true);
            }
        }
    }
}
