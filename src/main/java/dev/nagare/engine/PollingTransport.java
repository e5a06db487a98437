package dev.nagare.engine;

import dev.nagare.wire.EngineIoCodec;
import dev.nagare.wire.EnginePacket;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * HTTP long-polling: a GET waits until there is something to send, a POST carries packets in.
 * At most one GET may be pending; a second one is an error that kills the session.
 */
final class PollingTransport implements Transport {
    private final EngineServer server;
    private HttpServerResponse pending; // event-loop only
    private EnginePacket closeOnNextPoll;
    private boolean discarded;
    boolean posting;

    PollingTransport(EngineServer server) {
        this.server = server;
    }

    @Override
    public String name() {
        return "polling";
    }

    @Override
    public boolean writable() {
        return pending != null;
    }

    boolean discarded() {
        return discarded;
    }

    boolean hasPendingPoll() {
        return pending != null;
    }

    void discard() {
        discarded = true;
    }

    /** A GET arrived; returns false if one was already pending (the caller fails the session). */
    boolean poll(EngineSession session, HttpServerResponse res) {
        if (pending != null) {
            return false;
        }
        pending = res;
        res.closeHandler(v -> {
            if (pending == res) {
                pending = null;
                session.fail("poll connection closed prematurely");
            }
        });
        if (closeOnNextPoll != null) {
            send(List.of(closeOnNextPoll));
            return true;
        }
        session.flush();
        return true;
    }

    @Override
    public void send(List<EnginePacket> packets) {
        HttpServerResponse res = pending;
        pending = null;
        server.respond(res, 200, "text/plain; charset=UTF-8", EngineIoCodec.encodePayload(packets));
    }

    /**
     * Answers a pending poll with {@code packet}; with no poll pending, a CLOSE is kept for the
     * next one (the session lingers for it), as the reference server does.
     */
    @Override
    public void close(EnginePacket packet) {
        if (packet == null) {
            return;
        }
        if (pending != null) {
            send(List.of(packet));
        } else if (packet.type() == dev.nagare.wire.EnginePacketType.CLOSE) {
            closeOnNextPoll = packet;
        }
    }

    /** True when a CLOSE waits for the client's next poll. */
    boolean closePending() {
        return closeOnNextPoll != null;
    }
}
