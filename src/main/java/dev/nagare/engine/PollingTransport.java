package dev.nagare.engine;

import dev.nagare.wire.EngineIoCodec;
import dev.nagare.wire.EnginePacket;
import dev.nagare.wire.ProtocolException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP long-polling: a GET waits until there is something to send, a POST carries packets in.
 * At most one GET may be pending; a second one is an error that kills the session. Engine loop
 * only, like the session: a request's own callbacks (its body, its end, its connection's close)
 * run on the loop serving its connection, which may be another ({@code --event-loops}), and hop.
 */
final class PollingTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(PollingTransport.class);
    private final EngineServer server;
    private HttpServerResponse pending; // event-loop only
    private EnginePacket closeOnNextPoll;
    private boolean discarded;
    private boolean posting; // a POST is being read

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
        res.closeHandler(v -> server.onEngine(() -> {
            if (pending == res) {
                pending = null;
                session.fail("poll connection closed prematurely");
            }
        }));
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

    /** A POST: the packets in its body go to {@code session}; answered "ok", or 400/413 with the session failed. */
    void post(HttpServerRequest req, EngineSession session) {
        if (posting) {
            server.error(req, EngineError.BAD_REQUEST, "overlapping post");
            session.fail("data request overlap from client");
            return;
        }
        String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && declaredLength(length) > server.config().maxPayload()) {
            tooLarge(req, session);
            return;
        }
        posting = true;
        Buffer body = Buffer.buffer(); // the connection's loop only, as is aborted
        boolean[] aborted = {false};
        req.handler(chunk -> {
            if (aborted[0]) {
                return;
            }
            if (body.length() + chunk.length() > server.config().maxPayload()) {
                aborted[0] = true;
                server.onEngine(() -> {
                    posting = false;
                    tooLarge(req, session);
                });
                return;
            }
            body.appendBuffer(chunk);
        });
        req.exceptionHandler(e -> server.onEngine(() -> posting = false));
        req.endHandler(v -> {
            if (aborted[0]) {
                return;
            }
            // Decoded where it was read, then handed to the session on the engine's loop.
            List<EnginePacket> decoded;
            ProtocolException invalid = null;
            try {
                decoded = EngineIoCodec.decodePayload(body.toString(StandardCharsets.UTF_8));
            } catch (ProtocolException e) {
                decoded = null;
                invalid = e;
            }
            List<EnginePacket> packets = decoded;
            ProtocolException error = invalid;
            server.onEngine(() -> {
                posting = false;
                if (error != null) {
                    LOG.debug("session {}: bad payload: {}", session.id(), error.getMessage());
                    server.error(req, EngineError.BAD_REQUEST, "parse error");
                    session.fail("parse error");
                    return;
                }
                server.respond(req.response(), 200, "text/plain; charset=UTF-8", "ok");
                for (EnginePacket p : packets) {
                    if (session.state() == EngineSession.State.CLOSED) {
                        break;
                    }
                    session.onPacket(p);
                }
            });
        });
        // Paused only when the request hopped onto the engine's event loop (handle); routed on
        // it, the body is read in the same turn as the headers, like the reference server does,
        // before the requests of other connections that arrived with it. Resumed only once every
        // handler is set: from the engine's loop, the request's own loop may deliver at once.
        req.resume();
    }

    /** The Content-Length value, or Long.MAX_VALUE when it is not a plain number (treated as too large). */
    private static long declaredLength(String value) {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit)) {
            return Long.MAX_VALUE;
        }
        return Long.parseLong(value);
    }

    private static void tooLarge(HttpServerRequest req, EngineSession session) {
        req.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end("{\"code\":3,\"message\":\"Payload too large\"}");
        session.fail("payload over maxPayload");
    }
}
