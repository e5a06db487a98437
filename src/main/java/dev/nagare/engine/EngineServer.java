package dev.nagare.engine;

import dev.nagare.wire.EngineIoCodec;
import dev.nagare.wire.EnginePacket;
import dev.nagare.wire.EnginePacketType;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.ContextInternal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Engine.IO v4 server: handshakes, long-polling requests and WebSocket connections under one path.
 * All session state lives on one event-loop context ({@code context}, "the engine's loop"); what
 * arrives on another thread hops onto it: requests, and the frames, closes and upgrades of
 * WebSockets whose connection another event loop serves (the HTTP server may be listened from
 * several, {@code --event-loops}). Writes to those sockets go back to their loops through a
 * {@link LoopOutbox}. Layers above subscribe with {@link #onConnection} and a {@link SessionListener}.
 */
public final class EngineServer {
    private static final Logger LOG = LoggerFactory.getLogger(EngineServer.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EngineConfig config;
    private final Context context;
    private final Vertx vertx;
    private final Map<String, EngineSession> sessions = new HashMap<>(); // event-loop only
    private final LoopOutbox outbox; // null on a context that is not an event loop's
    private final WebSocketInbound webSockets;
    private final EngineStats stats = new EngineStats();
    /**
     * The thread of {@code context}'s event loop, once known. Vert.x serves each request on a
     * duplicate of its connection's context, never {@code context} itself, so a request is on the
     * engine's event loop when it runs on this thread (the HTTP server listens from {@code context}).
     */
    private volatile Thread loopThread;
    private Consumer<EngineSession> connectionHandler = s -> { };
    private Function<HttpServerRequest, Future<Void>> allowRequest = r -> Future.succeededFuture();
    private Function<HttpServerRequest, String> clientAddress =
            r -> r.remoteAddress() == null ? "-" : r.remoteAddress().hostAddress();
    /** Handshake rate per client address; bounded, least recently used first out. Event-loop only. */
    private final Map<String, TokenBucket> handshakes = new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
            return size() > 100_000;
        }
    };

    public EngineServer(Context context, EngineConfig config) {
        this.context = context;
        this.vertx = context.owner();
        this.config = config;
        if (context.isEventLoopContext()) {
            context.runOnContext(v -> loopThread = Thread.currentThread());
            outbox = new LoopOutbox(((ContextInternal) context).nettyEventLoop());
        } else {
            outbox = null;
        }
        webSockets = new WebSocketInbound(this, outbox);
    }

    /** Packets, bytes and closes so far; read it on the engine's event loop ({@link #context()}). */
    public EngineStats stats() {
        return stats;
    }

    public EngineConfig config() {
        return config;
    }

    public Context context() {
        return context;
    }

    /** Called on the engine context for each new session, before any of its packets. */
    public void onConnection(Consumer<EngineSession> handler) {
        this.connectionHandler = handler;
    }

    /**
     * A hook that may refuse a handshake: a failed future (or an exception thrown by the hook)
     * answers 403 with its message. The future may complete later, on any thread or timer, for both
     * polling and WebSocket-only handshakes; the request is held paused until then.
     */
    public void allowRequest(Function<HttpServerRequest, Future<Void>> hook) {
        this.allowRequest = hook;
    }

    /** How to tell the client's address (e.g. behind trusted proxies); the socket's peer by default. */
    public void clientAddress(Function<HttpServerRequest, String> resolver) {
        this.clientAddress = resolver;
    }

    /** Open sessions by their current transport ("polling", "websocket"). Event-loop only. */
    public Map<String, Integer> sessionsByTransport() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        out.put("polling", 0);
        out.put("websocket", 0);
        for (EngineSession s : sessions.values()) {
            out.merge(s.transportName(), 1, Integer::sum);
        }
        return out;
    }

    /** Closes every session with {@code reason}; completes when done. Any thread. */
    public Future<Void> closeAll(String reason) {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            for (EngineSession s : new ArrayList<>(sessions.values())) {
                s.close(reason, CloseCodes.GOING_AWAY);
            }
            done.complete();
        });
        return done.future();
    }

    /** Entry point for every request under the engine path. */
    public void handle(HttpServerRequest req) {
        if (!onLoop()) {
            req.pause();
            context.runOnContext(v -> {
                if (!route(req)) {
                    req.resume();
                }
            });
            return;
        }
        route(req);
    }

    /** Whether the caller runs on the engine's event loop (its context, or a duplicate of it). */
    boolean onLoop() {
        return Vertx.currentContext() == context || Thread.currentThread() == loopThread;
    }

    /** Runs {@code action} on the engine's loop: now when already there, else as its next task (in call order). */
    void onEngine(Runnable action) {
        if (onLoop()) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    /**
     * Serves one request on the engine context. Returns true when the request went to an
     * asynchronous admission step, which then owns it (and resumes it, or upgrades it while still
     * paused: a WebSocket upgrade must happen before Vert.x reads the request's end).
     */
    private boolean route(HttpServerRequest req) {
        String origin = req.getHeader(HttpHeaders.ORIGIN);
        if (origin != null) {
            if (!originAllowed(origin, authority(req))) {
                LOG.info("Refused Engine.IO request from origin {}; add it to the allowed origins to accept it",
                        sanitize(origin));
                stats.refused("origin", clientAddress.apply(req));
                error(req, EngineError.FORBIDDEN, "origin not allowed");
                return false;
            }
            req.response().putHeader("Access-Control-Allow-Origin", origin)
                    .putHeader("Access-Control-Allow-Credentials", "true")
                    .putHeader(HttpHeaders.VARY, "Origin");
        }
        if (req.method() == HttpMethod.OPTIONS) {
            String requested = req.getHeader("Access-Control-Request-Headers");
            HttpServerResponse res = req.response().setStatusCode(204)
                    .putHeader("Access-Control-Allow-Methods", "GET, POST")
                    .putHeader("Access-Control-Max-Age", "86400");
            if (requested != null && requested.length() < 512) {
                res.putHeader("Access-Control-Allow-Headers", requested);
            }
            res.end();
            return false;
        }
        String transport = req.getParam("transport");
        if (transport == null || !config.transports().contains(transport)) {
            error(req, EngineError.UNKNOWN_TRANSPORT, null);
            return false;
        }
        boolean upgrade = isWebSocketUpgrade(req);
        String sid = req.getParam("sid");
        if (sid != null) {
            EngineSession session = sessions.get(sid);
            if (session == null) {
                error(req, EngineError.UNKNOWN_SID, null);
                return false;
            }
            if (session.state() == EngineSession.State.CLOSED) {
                // A closed polling session lingers only to hand its CLOSE to the next poll.
                if (req.method() == HttpMethod.GET && session.transport() instanceof PollingTransport polling
                        && !upgrade && "polling".equals(transport)) {
                    polling.poll(session, req.response());
                } else {
                    error(req, EngineError.UNKNOWN_SID, "session closed");
                }
                remove(session);
            } else if (upgrade && "websocket".equals(transport)) {
                upgrade(req, session);
            } else if (!transport.equals(session.transportName())
                    || !(session.transport() instanceof PollingTransport polling) || polling.discarded()) {
                error(req, EngineError.BAD_REQUEST, "transport mismatch");
            } else if (req.method() == HttpMethod.GET) {
                if (!polling.poll(session, req.response())) {
                    error(req, EngineError.BAD_REQUEST, "overlapping poll");
                    session.fail("overlap from client");
                }
            } else if (req.method() == HttpMethod.POST) {
                polling.post(req, session);
            } else {
                error(req, EngineError.BAD_REQUEST, "method not allowed");
            }
            return false;
        }
        if (req.method() != HttpMethod.GET) {
            error(req, EngineError.BAD_HANDSHAKE_METHOD, null);
            return false;
        }
        if (!"4".equals(req.getParam("EIO"))) {
            error(req, EngineError.UNSUPPORTED_PROTOCOL_VERSION, null);
            return false;
        }
        if ("websocket".equals(transport) && !upgrade) {
            error(req, EngineError.BAD_REQUEST, "websocket transport without an upgrade");
            return false;
        }
        String address = clientAddress.apply(req);
        long now = System.nanoTime();
        if (!handshakes.computeIfAbsent(address, a -> new TokenBucket(config.connectRate(), 2.0 * config.connectRate(), now))
                .tryTake(now)) {
            LOG.info("Refused handshake from {}: over {} connects/s", sanitize(address), config.connectRate());
            stats.refused("rate", address);
            req.response().setStatusCode(429).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.RETRY_AFTER, "1")
                    .end("{\"code\":3,\"message\":\"Too many connections from this address; retry shortly\"}");
            return false;
        }
        if (sessions.size() >= config.maxSessions()) {
            LOG.warn("Refused handshake: {} sessions open (the maximum)", sessions.size());
            stats.refused("cap", clientAddress.apply(req));
            req.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end("{\"code\":3,\"message\":\"Server full\"}");
            return false;
        }
        return admit(req, upgrade);
    }

    /** Runs the admission hook, then opens the session on the engine context, whichever thread the verdict came on. */
    private boolean admit(HttpServerRequest req, boolean upgrade) {
        req.pause();
        Future<Void> verdict;
        try {
            verdict = allowRequest.apply(req);
        } catch (RuntimeException e) {
            verdict = Future.failedFuture(e);
        }
        if (verdict == null) {
            verdict = Future.failedFuture("admission hook returned no verdict");
        }
        verdict.onComplete(ar -> {
            if (onLoop()) {
                admitted(req, upgrade, ar);
            } else {
                context.runOnContext(v -> admitted(req, upgrade, ar));
            }
        });
        return true;
    }

    private void admitted(HttpServerRequest req, boolean upgrade, io.vertx.core.AsyncResult<Void> verdict) {
        if (verdict.failed()) {
            String reason = verdict.cause().getMessage() == null ? EngineError.FORBIDDEN.message()
                    : verdict.cause().getMessage();
            LOG.info("Refused handshake from {}: {}", sanitize(clientAddress.apply(req)), sanitize(reason));
            stats.refused("admission", clientAddress.apply(req));
            req.resume();
            refuse(req, EngineError.FORBIDDEN, EngineError.FORBIDDEN.json(reason));
            return;
        }
        if (upgrade) {
            webSockets.accept(req).onComplete(ws -> {
                if (ws.succeeded()) {
                    open(req, ws.result());
                } else {
                    LOG.debug("WebSocket handshake failed: {}", ws.cause().toString());
                }
            });
        } else {
            req.resume();
            open(req, new PollingTransport(this));
        }
    }

    private void open(HttpServerRequest req, Transport transport) {
        String sid = newId();
        EngineSession session = new EngineSession(sid, this, context, Handshake.of(req), transport);
        sessions.put(sid, session);
        boolean polling = transport instanceof PollingTransport;
        String open = "{\"sid\":\"" + sid + "\",\"upgrades\":"
                + (polling && config.transports().contains("websocket") ? "[\"websocket\"]" : "[]")
                + ",\"pingInterval\":" + config.pingIntervalMs() + ",\"pingTimeout\":" + config.pingTimeoutMs()
                + ",\"maxPayload\":" + config.maxPayload() + "}";
        EnginePacket openPacket = EnginePacket.of(EnginePacketType.OPEN, open);
        if (transport instanceof WebSocketTransport ws) {
            webSockets.wire(ws, session);
            ws.send(List.of(openPacket));
        } else {
            respond(req.response(), 200, "text/plain; charset=UTF-8",
                    EngineIoCodec.encodePayload(List.of(openPacket)));
        }
        session.start();
        connectionHandler.accept(session);
    }

    private void upgrade(HttpServerRequest req, EngineSession session) {
        boolean allowed = session.canUpgrade();
        if (allowed) {
            // From now on the client expects the probe's PONG: hold what is queued for its poll.
            session.holdPolling();
        }
        webSockets.accept(req).onComplete(ar -> {
            if (ar.failed()) {
                session.releasePolling();
                return;
            }
            WebSocketTransport ws = ar.result();
            if (!allowed || !session.canUpgrade()) {
                if (allowed) {
                    session.releasePolling();
                }
                ws.releaseInbound();
                ws.close((short) 1008, "session cannot be upgraded");
                return;
            }
            webSockets.wire(ws, session);
            session.beginProbe(ws);
        });
    }

    /** UTF-8 byte length without encoding: maxPayload counts bytes, as the reference server does. */
    static long utf8Length(String s) {
        long n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                n += c < 0x800 ? 1 : Character.isSurrogate(c) ? 1 : 2; // a surrogate pair: 2 chars, 4 bytes
            }
        }
        return n;
    }

    /** Where writes to sockets of other loops wait for the end of the turn; null off an event loop. */
    LoopOutbox outbox() {
        return outbox;
    }

    /** The open session {@code sid}, or null; on the engine context only (tests look at its transport). */
    EngineSession session(String sid) {
        return sessions.get(sid);
    }

    void remove(EngineSession session) {
        sessions.remove(session.id(), session);
    }

    void respond(HttpServerResponse res, int status, String contentType, String body) {
        if (res.ended() || res.closed()) {
            return;
        }
        res.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, contentType)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(body);
    }

    void error(HttpServerRequest req, EngineError error, String detail) {
        LOG.debug("Engine.IO {} {} -> {} {}{}", req.method(), sanitize(req.uri()), error.status(), error.message(),
                detail == null ? "" : " (" + detail + ")");
        refuse(req, error, error.json());
    }

    private void refuse(HttpServerRequest req, EngineError error, String json) {
        if (isWebSocketUpgrade(req) && !req.response().headWritten()) {
            // Refuse the upgrade with a plain HTTP error, as the reference server does.
            req.response().setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CONNECTION, "close").end(json)
                    .onComplete(v -> req.connection().close());
            return;
        }
        respond(req.response(), error.status(), "application/json", json);
    }

    private boolean originAllowed(String origin, String host) {
        List<String> allowed = config.allowedOrigins();
        if (allowed.contains("*") || allowed.contains(origin)) {
            return true;
        }
        if (host == null) {
            return false;
        }
        String lower = origin.toLowerCase(Locale.ROOT);
        return lower.equals("http://" + host.toLowerCase(Locale.ROOT))
                || lower.equals("https://" + host.toLowerCase(Locale.ROOT));
    }

    /** host[:port] the client addressed (Vert.x 5 keeps it as the request authority). */
    private static String authority(HttpServerRequest req) {
        io.vertx.core.net.HostAndPort a = req.authority();
        if (a == null) {
            return req.getHeader(HttpHeaders.HOST);
        }
        return a.port() >= 0 ? a.host() + ":" + a.port() : a.host();
    }

    private static boolean isWebSocketUpgrade(HttpServerRequest req) {
        String upgrade = req.getHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    /** 20 URL-safe characters from 120 random bits, like the reference server's ids. */
    public static String newId() {
        byte[] b = new byte[15];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String sanitize(String s) {
        if (s == null) {
            return "-";
        }
        String cut = s.length() > 200 ? s.substring(0, 200) : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
