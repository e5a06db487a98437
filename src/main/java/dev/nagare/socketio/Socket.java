package dev.nagare.socketio;

import dev.nagare.adapter.BroadcastOptions;
import dev.nagare.adapter.SessionState;
import dev.nagare.engine.EngineServer;
import dev.nagare.engine.Handshake;
import dev.nagare.wire.MsgpackCodec;
import dev.nagare.wire.SocketIoCodec;
import dev.nagare.wire.SocketPacket;
import dev.nagare.wire.SocketPacketType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connected to one namespace. Handlers run on the engine's event loop; the public
 * methods may be called from any thread (they hop onto it).
 */
public final class Socket {
    private static final Logger LOG = LoggerFactory.getLogger(Socket.class);

    /** An event handler that also receives the event name. */
    @FunctionalInterface
    public interface AnyHandler {
        void handle(String event, List<Object> args, Ack ack);
    }

    /** Disconnect reasons after which the state is kept for recovery (socket.io 4.6). */
    static final Set<String> RECOVERABLE = Set.of("transport error", "transport close", "forced close",
            "ping timeout", "server shutting down", "forced server close");

    private final String id;
    private final String pid; // null unless connection state recovery is on
    private final boolean recovered;
    private final Namespace namespace;
    private final Client client;
    private final Map<String, Object> auth;
    private final Map<String, Object> data = new ConcurrentHashMap<>();
    private final Map<String, EventHandler> handlers = new ConcurrentHashMap<>();
    private final List<AnyHandler> anyHandlers = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> disconnectHandlers = new CopyOnWriteArrayList<>();
    private final List<Consumer<Throwable>> errorHandlers = new CopyOnWriteArrayList<>();
    private final List<PacketMiddleware> middlewares = new CopyOnWriteArrayList<>();
    // Event-loop only:
    private final Set<String> rooms = new LinkedHashSet<>(4); // a few rooms, kept per idle socket (#21)
    private Map<Long, Promise<List<Object>>> acks; // made at the first emitWithAck: most sockets never ask (#21)
    private long nextAckId;
    private boolean connected = true;

    Socket(Namespace namespace, Client client, Map<String, Object> auth, SessionState restored) {
        boolean recovery = namespace.recoveryEnabled();
        this.id = restored != null ? restored.sid() : EngineServer.newId();
        this.pid = restored != null ? restored.pid() : recovery ? EngineServer.newId() : null;
        this.recovered = restored != null;
        if (restored != null) {
            data.putAll(restored.data());
        }
        this.namespace = namespace;
        this.client = client;
        this.auth = auth == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(auth));
    }

    public String id() {
        return id;
    }

    public Namespace namespace() {
        return namespace;
    }

    public Handshake handshake() {
        return client.session().handshake();
    }

    /** The CONNECT auth payload ({@code io({auth: {...}})}), never null. */
    public Map<String, Object> auth() {
        return auth;
    }

    /** Free-form per-socket data for the application (user name, account...). Thread-safe. */
    public Map<String, Object> data() {
        return data;
    }

    /**
     * The first 12 characters of the Engine.IO session id, as the Admin UI shows a client: enough to
     * tell the sockets of one connection apart from others, never the whole id (which lets whoever
     * holds it poll the session).
     */
    public String clientId() {
        String sid = client.session().id();
        return sid.length() <= 12 ? sid : sid.substring(0, 12);
    }

    public String transport() {
        return client.session().transportName();
    }

    public boolean connected() {
        return connected;
    }

    /** True when this socket resumed a dropped session: same id, rooms and data, missed packets replayed. */
    public boolean recovered() {
        return recovered;
    }

    String pid() {
        return pid;
    }

    Client client() {
        return client;
    }

    public Socket on(String event, EventHandler handler) {
        handlers.put(event, handler);
        return this;
    }

    public Socket onAny(AnyHandler handler) {
        anyHandlers.add(handler);
        return this;
    }

    /** Called once with the disconnect reason ("client namespace disconnect", "transport close", ...). */
    public Socket onDisconnect(Consumer<String> handler) {
        disconnectHandlers.add(handler);
        return this;
    }

    /** Receives errors from packet middleware. */
    public Socket onError(Consumer<Throwable> handler) {
        errorHandlers.add(handler);
        return this;
    }

    public Socket use(PacketMiddleware middleware) {
        middlewares.add(middleware);
        return this;
    }

    public void emit(String event, Object... args) {
        SocketPacket packet = SocketPacket.event(namespace.name(), eventList(event, args), SocketPacket.NO_ID);
        namespace.onContext(() -> {
            if (!connected) {
                return;
            }
            if (pid != null) {
                // Through the adapter, so the packet gets an offset and is kept for recovery
                // (the observer hears it in Namespace.deliver).
                namespace.adapter().broadcast(packet, new BroadcastOptions(Set.of(id), Set.of(), false, true));
            } else {
                client.send(packet);
                namespace.server().observer().sent(this, packet.list());
            }
        });
    }

    /** Emits, dropping the packet if the client cannot take it right now. */
    public void emitVolatile(String event, Object... args) {
        SocketPacket packet = SocketPacket.event(namespace.name(), eventList(event, args), SocketPacket.NO_ID);
        namespace.onContext(() -> {
            if (connected && client.send(Client.frames(namespace.server().codec().encode(packet)), true)) {
                namespace.server().observer().sent(this, packet.list());
            }
        });
    }

    /** Emits and waits for the client's ack, with the server's default ack timeout. */
    public Future<List<Object>> emitWithAck(String event, Object... args) {
        return emitWithAck(Duration.ofMillis(namespace.server().config().ackTimeoutMs()), event, args);
    }

    public Future<List<Object>> emitWithAck(Duration timeout, String event, Object... args) {
        return sendWithAck(eventList(event, args), timeout);
    }

    /** Sends an EVENT whose data is {@code list} (event name first) and waits for the client's ack. */
    Future<List<Object>> sendWithAck(List<Object> list, Duration timeout) {
        String event = String.valueOf(list.get(0));
        Promise<List<Object>> promise = Promise.promise();
        namespace.onContext(() -> {
            if (!connected) {
                promise.fail(new IllegalStateException("socket is disconnected"));
                return;
            }
            long ackId = nextAckId++;
            if (acks == null) {
                acks = new HashMap<>();
            }
            acks.put(ackId, promise);
            SocketIoStats stats = namespace.server().stats();
            long sentAt = System.nanoTime();
            long timer = namespace.context().owner().setTimer(Math.max(1, timeout.toMillis()), t -> {
                Promise<List<Object>> p = acks == null ? null : acks.remove(ackId);
                if (p != null) {
                    stats.ackTimeouts.increment();
                    p.fail(new TimeoutException("no ack for '" + event + "' within " + timeout.toMillis() + " ms"));
                }
            });
            promise.future().onComplete(ar -> {
                namespace.context().owner().cancelTimer(timer);
                if (ar.succeeded()) {
                    stats.acked(System.nanoTime() - sentAt);
                }
            });
            client.send(SocketPacket.event(namespace.name(), list, ackId));
            namespace.server().observer().sent(this, list);
        });
        return promise.future();
    }

    public void join(String... newRooms) {
        Set<String> r = Set.of(newRooms);
        namespace.onContext(() -> joinNow(r));
    }

    public void leave(String room) {
        namespace.onContext(() -> leaveNow(room));
    }

    /** The rooms this socket is in (its own id room included). */
    public Future<Set<String>> rooms() {
        return namespace.call(() -> Set.copyOf(rooms));
    }

    /** Everyone in {@code rooms} except this socket. */
    public BroadcastOperator to(String... targetRooms) {
        return BroadcastOperator.except(namespace, id).to(targetRooms);
    }

    /** Everyone in the namespace except this socket. */
    public BroadcastOperator broadcast() {
        return BroadcastOperator.except(namespace, id);
    }

    /** Leaves the namespace; with {@code close}, also closes the underlying connection. */
    public void disconnect(boolean close) {
        namespace.onContext(() -> {
            if (!connected) {
                return;
            }
            if (close) {
                client.disconnectAll();
                return;
            }
            disconnectNow();
        });
    }

    /** Sends DISCONNECT and ends this socket (the client sees "io server disconnect" and does not reconnect). */
    void disconnectNow() {
        if (!connected) {
            return;
        }
        client.send(new SocketPacket(SocketPacketType.DISCONNECT, namespace.name(), SocketPacket.NO_ID, null));
        onClose("server namespace disconnect");
    }

    // ---- event loop only ----

    void joinNow(Set<String> newRooms) {
        if (!connected) {
            return;
        }
        List<String> added = new ArrayList<>(newRooms.size());
        for (String room : newRooms) {
            if (rooms.add(room)) {
                added.add(room);
            }
        }
        namespace.adapter().addAll(id, newRooms);
        sessionChanged();
        Observer observer = namespace.server().observer();
        for (String room : added) {
            observer.joined(this, room);
        }
    }

    void leaveNow(String room) {
        if (rooms.remove(room)) {
            namespace.adapter().del(id, room);
            sessionChanged();
            namespace.server().observer().left(this, room);
        }
    }

    /** Tells the adapter what recovery would restore now: a node may die before it can say so at disconnect. */
    void sessionChanged() {
        if (pid != null && connected) {
            namespace.adapter().sessionChanged(new SessionState(id, pid, rooms, Map.copyOf(data), 0, List.of()));
        }
    }

    /**
     * What fetchSockets tells of this socket, on this node or another (Node servers included), in
     * the shape of socket.io's RemoteSocket: id, rooms, data and handshake. Credentials stay here:
     * no cookie or authorization header, no auth token, password or session id, and only plain
     * values of {@code data} (a logged-in principal carries its session credential and CSRF token)
     * whose keys do not start with "nagare." (Nagare's own bookkeeping). Event-loop only.
     */
    public Map<String, Object> describe() {
        Handshake h = handshake();
        Map<String, Object> headers = new LinkedHashMap<>();
        h.headers().forEach((name, values) -> {
            if (!CREDENTIAL_HEADERS.contains(name) && !values.isEmpty()) {
                headers.put(name, values.size() == 1 ? values.get(0) : List.copyOf(values));
            }
        });
        Map<String, Object> query = new LinkedHashMap<>();
        h.query().forEach((name, values) -> query.put(name, values.isEmpty() ? "" : values.get(0)));
        Map<String, Object> shownAuth = new LinkedHashMap<>(auth);
        shownAuth.keySet().removeIf(k -> k.equalsIgnoreCase("token") || k.equalsIgnoreCase("password")
                || k.equalsIgnoreCase("sessionId")); // the Admin UI's login on reload
        Map<String, Object> hs = new LinkedHashMap<>();
        hs.put("headers", headers);
        hs.put("time", JS_DATE.format(java.time.Instant.ofEpochMilli(h.issuedAt())));
        hs.put("address", h.remoteAddress());
        hs.put("xdomain", h.header("origin") != null);
        hs.put("secure", h.secure());
        hs.put("issued", h.issuedAt());
        hs.put("url", h.url());
        hs.put("query", query);
        hs.put("auth", shownAuth);
        Map<String, Object> plainData = new LinkedHashMap<>();
        data.forEach((k, v) -> {
            if (MsgpackCodec.plain(v) && !k.startsWith("nagare.")) {
                plainData.put(k, v);
            }
        });
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", id);
        d.put("handshake", hs);
        d.put("rooms", List.copyOf(rooms));
        d.put("data", plainData);
        return d;
    }

    /** Date.prototype.toString, as a Node server writes handshake.time. */
    private static final java.time.format.DateTimeFormatter JS_DATE = java.time.format.DateTimeFormatter
            .ofPattern("EEE MMM dd yyyy HH:mm:ss 'GMT'xx (zzzz)", java.util.Locale.US).withZone(java.time.ZoneId.systemDefault());

    private static final Set<String> CREDENTIAL_HEADERS = Set.of("cookie", "authorization", "proxy-authorization");


    void onPacket(SocketPacket packet) {
        switch (packet.type()) {
            case EVENT -> onEvent(packet);
            case ACK -> {
                Promise<List<Object>> p = acks == null ? null : acks.remove(packet.id());
                if (p != null) {
                    p.tryComplete(packet.list());
                }
            }
            case DISCONNECT -> onClose("client namespace disconnect");
            default -> LOG.debug("socket {}: unexpected {} ignored", id, packet.type());
        }
    }

    private void onEvent(SocketPacket packet) {
        List<Object> eventAndArgs = packet.list();
        runMiddlewares(eventAndArgs, 0).onComplete(ar -> namespace.onContext(() -> {
            if (!connected) {
                return;
            }
            if (ar.failed()) {
                for (Consumer<Throwable> h : errorHandlers) {
                    h.accept(ar.cause());
                }
                return;
            }
            String event = String.valueOf(eventAndArgs.get(0));
            List<Object> args = eventAndArgs.subList(1, eventAndArgs.size());
            Ack ack = packet.hasId() ? new ClientAck(packet.id()) : NO_ACK;
            namespace.server().observer().received(this, eventAndArgs);
            try {
                for (AnyHandler h : anyHandlers) {
                    h.handle(event, args, ack);
                }
                EventHandler h = handlers.get(event);
                if (h != null) {
                    h.handle(args, ack);
                }
            } catch (RuntimeException e) {
                LOG.error("handler for '{}' on {} failed", event, namespace.name(), e);
            }
        }));
    }

    private Future<Void> runMiddlewares(List<Object> eventAndArgs, int index) {
        if (index >= middlewares.size()) {
            return Future.succeededFuture();
        }
        Future<Void> f;
        try {
            f = middlewares.get(index).check(this, eventAndArgs);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        return f.compose(v -> runMiddlewares(eventAndArgs, index + 1));
    }

    /** Leaves every room and tells the disconnect handlers. */
    void onClose(String reason) {
        if (!connected) {
            return;
        }
        connected = false;
        if (pid != null && RECOVERABLE.contains(reason)) {
            namespace.adapter().persistSession(new SessionState(id, pid, rooms, Map.copyOf(data),
                    System.currentTimeMillis(), List.of()));
        } else if (pid != null) {
            namespace.adapter().sessionEnded(pid);
        }
        Observer observer = namespace.server().observer();
        observer.disconnected(this, reason);
        namespace.adapter().delAll(id);
        List<String> left = List.copyOf(rooms);
        rooms.clear();
        for (String room : left) {
            observer.left(this, room);
        }
        namespace.removed(this);
        client.removed(this);
        if (acks != null) {
            for (Promise<List<Object>> p : acks.values()) {
                p.tryFail(new IllegalStateException("socket disconnected: " + reason));
            }
            acks.clear();
        }
        for (Consumer<String> h : disconnectHandlers) {
            try {
                h.accept(reason);
            } catch (RuntimeException e) {
                LOG.error("disconnect handler on {} failed", namespace.name(), e);
            }
        }
    }

    private static final Ack NO_ACK = new Ack() {
        @Override
        public boolean requested() {
            return false;
        }

        @Override
        public void send(Object... args) {
        }
    };

    /** Sends the ACK for one client event, once. */
    private final class ClientAck implements Ack {
        private final long ackId;
        private boolean sent;

        ClientAck(long ackId) {
            this.ackId = ackId;
        }

        @Override
        public boolean requested() {
            return true;
        }

        @Override
        public void send(Object... args) {
            List<Object> list = normalize(Arrays.asList(args));
            namespace.onContext(() -> {
                if (sent || !connected) {
                    return;
                }
                sent = true;
                client.send(SocketPacket.ack(namespace.name(), ackId, list));
            });
        }
    }

    /** [event, args...] with Vert.x Buffers turned into byte[] so they travel as binary. */
    static List<Object> eventList(String event, Object... args) {
        if (event == null || SocketIoCodec.RESERVED_EVENTS.contains(event)) {
            throw new IllegalArgumentException("'" + event + "' is a reserved event name");
        }
        List<Object> list = new ArrayList<>(args.length + 1);
        list.add(event);
        list.addAll(normalize(Arrays.asList(args)));
        return list;
    }

    private static List<Object> normalize(List<Object> args) {
        List<Object> out = new ArrayList<>(args.size());
        for (Object a : args) {
            out.add(a instanceof Buffer b ? b.getBytes() : a);
        }
        return out;
    }
}
