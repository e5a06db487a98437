package dev.nagare.engine;

import dev.nagare.web.NettyChannels;
import dev.nagare.wire.EngineIoCodec;
import dev.nagare.wire.EnginePacket;
import dev.nagare.wire.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's WebSockets from the accepted upgrade to the session: the socket is accepted, given its
 * transport and its handlers. A socket may be served by another event loop than the engine's
 * ({@code --event-loops}); its frames are then checked and decoded on that loop and handed to the
 * session on the engine's, in order, and writes go back through the {@link LoopOutbox}.
 */
final class WebSocketInbound {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketInbound.class);

    private final EngineServer server;
    private final LoopOutbox outbox; // null off an event loop

    WebSocketInbound(EngineServer server, LoopOutbox outbox) {
        this.server = server;
        this.outbox = outbox;
    }

    /**
     * Accepts the upgrade; its transport is handed over on the engine's loop. The client may send (its
     * upgrade probe) as soon as it reads the handshake answer, before Vert.x even completes the
     * accept: what the socket reads is held until {@link #wire} has set its handlers
     * ({@link NettyChannels#holdInbound}), or until the caller refuses it
     * ({@link WebSocketTransport#releaseInbound} before closing).
     */
    Future<WebSocketTransport> accept(HttpServerRequest req) {
        Runnable release = NettyChannels.holdInbound(req);
        Promise<WebSocketTransport> accepted = Promise.promise();
        req.toWebSocket().onComplete(ar -> server.onEngine(() -> {
            if (ar.failed()) {
                release.run();
                accepted.fail(ar.cause());
            } else {
                accepted.complete(transport(req, ar.result(), release));
            }
        }));
        return accepted.future();
    }

    /** The transport of a socket accepted from {@code req}. */
    private WebSocketTransport transport(HttpServerRequest req, ServerWebSocket ws, Runnable releaseInbound) {
        // b64=1: engine.io-client's forceBase64, binary as "b"+base64 text frames.
        return new WebSocketTransport(ws, NettyChannels.webSocket(req, ws), outbox, server.config().writeWindowMs(),
                req.getParam("b64") != null, releaseInbound);
    }

    /**
     * Sets the socket's handlers. They run on the socket's own loop: a frame is measured and decoded
     * there (on as many cores as there are loops), then handed to the session on the engine's loop,
     * one hop per frame, in the order read; so is the close. Once a frame closed the socket, what
     * the socket still reads is dropped there.
     */
    void wire(WebSocketTransport t, EngineSession session) {
        ServerWebSocket ws = t.socket();
        boolean[] refused = {false}; // the socket's loop only
        ws.textMessageHandler(text -> {
            if (refused[0]) {
                return;
            }
            if (EngineServer.utf8Length(text) > server.config().maxPayload()) {
                refused[0] = true;
                server.onEngine(() -> tooBig(t, session));
                return;
            }
            EnginePacket p;
            try {
                p = EngineIoCodec.decodeText(text);
            } catch (ProtocolException e) {
                refused[0] = true;
                server.onEngine(() -> {
                    LOG.debug("session {}: {}", session.id(), e.getMessage());
                    t.close((short) 1002, "invalid packet: " + e.getMessage());
                    session.onTransportClose(t, "parse error");
                });
                return;
            }
            server.onEngine(() -> deliver(t, session, p));
        });
        ws.binaryMessageHandler(buf -> {
            if (refused[0]) {
                return;
            }
            if (buf.length() > server.config().maxPayload()) {
                refused[0] = true;
                server.onEngine(() -> tooBig(t, session));
                return;
            }
            EnginePacket p = EnginePacket.binary(buf.getBytes());
            server.onEngine(() -> deliver(t, session, p));
        });
        ws.closeHandler(v -> server.onEngine(() -> {
            t.markClosed();
            session.onTransportClose(t, "transport close");
        }));
        ws.exceptionHandler(e -> LOG.debug("session {} websocket error: {}", session.id(), e.toString()));
        t.onWritable(() -> session.context().runOnContext(v -> session.flush()));
        t.releaseInbound(); // what the socket read meanwhile, held by accept, now reaches the handlers
    }

    private void deliver(WebSocketTransport t, EngineSession session, EnginePacket p) {
        if (session.transport() == t) {
            session.onPacket(p);
        } else {
            session.onProbePacket(t, p);
        }
    }

    private void tooBig(WebSocketTransport t, EngineSession session) {
        t.close((short) 1009, "message over maxPayload (" + server.config().maxPayload() + " bytes)");
        session.onTransportClose(t, "transport error");
    }
}
