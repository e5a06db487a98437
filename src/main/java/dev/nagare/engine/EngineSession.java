package dev.nagare.engine;

import dev.nagare.wire.EnginePacket;
import dev.nagare.wire.EnginePacketType;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO session: its state, heartbeat, transport (and upgrade) and bounded outbound queue.
 * Everything here runs on the engine's event-loop context; {@link #send} and {@link #close} may be
 * called from any thread and hop onto it.
 */
public final class EngineSession {
    private static final Logger LOG = LoggerFactory.getLogger(EngineSession.class);

    public enum State { OPEN, UPGRADING, CLOSING, CLOSED }

    private final String id;
    private final EngineServer server;
    private final EngineConfig config;
    private final Vertx vertx;
    private final Context context;
    private final Handshake handshake;

    // Event-loop only from here on.
    private State state = State.OPEN;
    private Transport transport;
    private WebSocketTransport probing;
    private final ArrayDeque<EnginePacket> buffer = new ArrayDeque<>();
    private long bufferedBytes;
    private long pingTimer = -1;
    private long pongTimer = -1;
    private long upgradeTimer = -1;
    private long noopTimer = -1;
    /** While set, packets wait instead of answering the pending poll (see {@link #holdPolling}). */
    private long holdTimer = -1;
    private SessionListener listener;
    private final TokenBucket inbound;

    EngineSession(String id, EngineServer server, Context context, Handshake handshake, Transport transport) {
        this.id = id;
        this.server = server;
        this.config = server.config();
        this.vertx = context.owner();
        this.context = context;
        this.handshake = handshake;
        this.transport = transport;
        this.inbound = new TokenBucket(config.inboundRate(), 2.0 * config.inboundRate(), System.nanoTime());
    }

    public String id() {
        return id;
    }

    public Handshake handshake() {
        return handshake;
    }

    public State state() {
        return state;
    }

    public String transportName() {
        return transport.name();
    }

    public Context context() {
        return context;
    }

    public void listener(SessionListener l) {
        this.listener = l;
    }

    /**
     * Queues a packet for the client; drops it if the session is closed. Any thread; on the
     * engine's event loop (its context or a request's or WebSocket's duplicate of it) it is queued
     * and flushed at once, so an ack leaves in the turn its event was read.
     */
    public void send(EnginePacket packet) {
        if (!server.onLoop()) {
            context.runOnContext(v -> send(packet));
            return;
        }
        if (state == State.CLOSED || state == State.CLOSING) {
            return;
        }
        buffer.add(packet);
        bufferedBytes += packet.wireSize();
        if (bufferedBytes > config.maxBufferedBytes() && (!transport.writable() || holdTimer >= 0)) {
            fail("slow client: outbound queue over " + config.maxBufferedBytes() + " bytes", CloseCodes.POLICY);
            return;
        }
        flush();
    }

    /**
     * Sends only if the transport can take it right now, else drops it (Socket.IO volatile
     * packets). Returns whether it was sent. Engine event loop only.
     */
    public boolean sendVolatile(EnginePacket packet) {
        if ((state == State.OPEN || state == State.UPGRADING) && buffer.isEmpty() && transport.writable()
                && holdTimer < 0) {
            EngineStats stats = server.stats();
            stats.packetsOut++;
            stats.bytesOut += packet.wireSize();
            transport.send(List.of(packet));
            return true;
        }
        return false;
    }

    /** Sends several packets together (a Socket.IO packet and its binary attachments). */
    public void send(List<EnginePacket> packets) {
        if (!server.onLoop()) {
            context.runOnContext(v -> send(packets));
            return;
        }
        for (EnginePacket p : packets) {
            send(p);
        }
    }

    /** Server-initiated close: the client is told (pending poll gets CLOSE, WebSocket closes with 1000 and the reason). Any thread. */
    public void close(String reason) {
        close(reason, CloseCodes.NORMAL);
    }

    /**
     * Server-initiated close with a WebSocket close code (RFC 6455 §7.4.1; see {@link CloseCodes})
     * and {@code reason} as the close frame's reason. Polling clients get CLOSE. Any thread.
     */
    public void close(String reason, int closeCode) {
        if (!server.onLoop()) {
            context.runOnContext(v -> close(reason, closeCode));
            return;
        }
        if (state == State.CLOSED || state == State.CLOSING) {
            return;
        }
        // Let what is already queued go out first when the transport can take it.
        releasePolling();
        flush();
        terminate(reason, EnginePacket.CLOSE, reason, true, closeCode);
    }

    // ---- called by the server and the transports (event loop) ----

    void start() {
        schedulePing();
    }

    void flush() {
        if (state == State.CLOSED || buffer.isEmpty() || !transport.writable() || holdTimer >= 0) {
            return;
        }
        // The usual case is one packet: no copy of the queue for it.
        List<EnginePacket> out = buffer.size() == 1 ? List.of(buffer.poll()) : new ArrayList<>(buffer);
        buffer.clear();
        EngineStats stats = server.stats();
        stats.packetsOut += out.size();
        stats.bytesOut += bufferedBytes;
        bufferedBytes = 0;
        transport.send(out);
    }

    /** A packet from the client on the current transport. */
    void onPacket(EnginePacket p) {
        if (state == State.CLOSED) {
            return;
        }
        EngineStats stats = server.stats();
        stats.packetsIn++;
        stats.bytesIn += p.wireSize();
        switch (p.type()) {
            case PONG -> {
                cancel(pongTimer);
                pongTimer = -1;
                schedulePing();
            }
            case MESSAGE -> {
                if (!inbound.tryTake(System.nanoTime())) {
                    fail("inbound flood: over " + config.inboundRate() + " messages/s", CloseCodes.POLICY);
                    return;
                }
                if (listener != null) {
                    listener.onMessage(this, p);
                }
            }
            case CLOSE -> onClientClose();
            case PING -> fail("invalid heartbeat direction");
            default -> fail("unexpected " + p.type() + " packet");
        }
    }

    /** The client sent CLOSE: a pending poll is answered with NOOP (reference behaviour). */
    void onClientClose() {
        terminate("transport close", EnginePacket.NOOP);
    }

    /** The transport itself went away (socket closed, poll aborted). */
    void onTransportClose(Transport t, String reason) {
        if (t == probing) {
            cancelUpgrade();
            return;
        }
        if (t == transport) {
            terminate(reason, null);
        }
    }

    /** Protocol error: close, telling a pending poll with CLOSE (WebSocket: 1002 and the reason). */
    void fail(String reason) {
        fail(reason, CloseCodes.PROTOCOL);
    }

    /** Protocol or policy error: close, telling a pending poll with CLOSE and a WebSocket the code and reason. */
    void fail(String reason, int closeCode) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.info("session {} ({}) closed: {}", id, handshake.remoteAddress(), reason);
        terminate("transport error", EnginePacket.CLOSE, reason, false, closeCode);
    }

    Transport transport() {
        return transport;
    }

    // ---- upgrade (engine.io-protocol README, "Upgrade") ----

    boolean canUpgrade() {
        return state == State.OPEN && transport instanceof PollingTransport && probing == null;
    }

    /**
     * The client's upgrade WebSocket is being accepted: until its probe arrives (at most
     * {@code upgradeHoldMs}), what is queued waits instead of answering the pending poll. Otherwise
     * a reply that is ready then (typically the Socket.IO CONNECT answer, posted in the same
     * moment as the WebSocket request) reaches the client before the PONG, and engine.io-client
     * sends its first emits as a POST plus another poll instead of over the WebSocket it is about
     * to use (6 requests per set-up instead of 4; measured by {@code scripts/bench setup}).
     */
    void holdPolling() {
        if (config.upgradeHoldMs() <= 0 || holdTimer >= 0 || state == State.CLOSED) {
            return;
        }
        holdTimer = vertx.setTimer(config.upgradeHoldMs(), t -> {
            holdTimer = -1;
            flush();
        });
    }

    /** Ends {@link #holdPolling}: what waits goes to the pending poll, if there is one. */
    void releasePolling() {
        if (holdTimer < 0) {
            return;
        }
        cancel(holdTimer);
        holdTimer = -1;
        flush();
    }

    void beginProbe(WebSocketTransport ws) {
        probing = ws;
        state = State.UPGRADING;
        upgradeTimer = vertx.setTimer(config.upgradeTimeoutMs(), id -> {
            upgradeTimer = -1;
            LOG.debug("session {} upgrade timed out", this.id);
            cancelUpgrade();
        });
    }

    /** A packet on the WebSocket being probed. */
    void onProbePacket(WebSocketTransport ws, EnginePacket p) {
        if (ws != probing) {
            return;
        }
        if (p.type() == EnginePacketType.PING && "probe".equals(p.text())) {
            ws.send(List.of(EnginePacket.of(EnginePacketType.PONG, "probe")));
            // What was held for the poll may go now, behind the PONG: the client holds its own
            // sends from the PONG until the upgrade, so its next emits ride the WebSocket anyway.
            releasePolling();
            // Release the pending poll so the client can send UPGRADE. The reference server sends
            // its first NOOP only after 100 ms (setInterval(check, 100) in engine.io's socket.ts);
            // we send it at once, deliberately: engine.io-client holds every send while
            // "upgrading" (Socket.flush skips while upgrading), so the reference delay is added to
            // the first emits of every default client; measured by `scripts/bench setup`. The
            // official clients only wait for the poll to end, whenever it does (tested by the
            // upgrade interop tests). Repeated every 100 ms like the reference, for a poll that
            // arrives later.
            cancel(noopTimer);
            noopTimer = vertx.setPeriodic(0, 100, t -> {
                if (transport instanceof PollingTransport && transport.writable()) {
                    transport.send(List.of(EnginePacket.NOOP));
                }
            });
        } else if (p.type() == EnginePacketType.UPGRADE && state == State.UPGRADING) {
            completeUpgrade(ws);
        } else {
            cancelUpgrade();
        }
    }

    private void completeUpgrade(WebSocketTransport ws) {
        cancel(upgradeTimer);
        cancel(noopTimer);
        cancel(holdTimer);
        upgradeTimer = noopTimer = holdTimer = -1;
        Transport old = transport;
        transport = ws;
        probing = null;
        state = State.OPEN;
        old.close(EnginePacket.NOOP);
        ((PollingTransport) old).discard();
        flush();
    }

    private void cancelUpgrade() {
        cancel(upgradeTimer);
        cancel(noopTimer);
        upgradeTimer = noopTimer = -1;
        releasePolling();
        WebSocketTransport ws = probing;
        probing = null;
        if (state == State.UPGRADING) {
            state = State.OPEN;
        }
        if (ws != null) {
            ws.close(null);
        }
    }

    // ---- heartbeat (engine.io-protocol README, "Heartbeat") ----

    private void schedulePing() {
        cancel(pingTimer);
        pingTimer = vertx.setTimer(config.pingIntervalMs(), t -> {
            pingTimer = -1;
            send(EnginePacket.PING);
            cancel(pongTimer);
            pongTimer = vertx.setTimer(config.pingTimeoutMs(), t2 -> {
                pongTimer = -1;
                terminate("ping timeout", EnginePacket.CLOSE);
            });
        });
    }

    // ---- the one way to CLOSED ----

    private void terminate(String reason, EnginePacket toPendingPoll) {
        terminate(reason, toPendingPoll, reason, false, CloseCodes.NORMAL);
    }

    /**
     * The one way to CLOSED. With {@code linger} (a deliberate server close) a polling client with
     * no poll pending gets the CLOSE on its next poll, as the reference server does; after errors
     * and ping timeouts the sid is forgotten at once (next request: 400).
     */
    private void terminate(String reason, EnginePacket toPendingPoll, String detail, boolean linger, int closeCode) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        // A server close carries the application's own words: counted as one reason, by its code.
        server.stats().closed(linger ? "server close" : reason, closeCode);
        cancel(pingTimer);
        cancel(pongTimer);
        cancel(upgradeTimer);
        cancel(noopTimer);
        cancel(holdTimer);
        pingTimer = pongTimer = upgradeTimer = noopTimer = holdTimer = -1;
        buffer.clear();
        bufferedBytes = 0;
        if (probing != null) {
            probing.close(null);
            probing = null;
        }
        transport.close(linger ? toPendingPoll : pendingOnly(toPendingPoll), closeCode, detail);
        if (transport instanceof PollingTransport polling && polling.closePending()) {
            // Keep the sid known until the client polls for its CLOSE, or a heartbeat's time.
            vertx.setTimer(config.pingIntervalMs() + config.pingTimeoutMs(), t -> server.remove(this));
        } else {
            server.remove(this);
        }
        LOG.debug("session {} closed: {}", id, detail);
        if (listener != null) {
            listener.onClose(this, reason);
        }
    }

    /** For non-lingering closes a CLOSE goes only to a poll already pending, never to the next one. */
    private EnginePacket pendingOnly(EnginePacket packet) {
        return transport instanceof PollingTransport polling && !polling.hasPendingPoll() ? null : packet;
    }

    private void cancel(long timer) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
