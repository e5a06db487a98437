package dev.nagare.socketio;

import dev.nagare.adapter.Adapter;
import dev.nagare.adapter.AdapterHandler;
import dev.nagare.adapter.BroadcastOptions;
import dev.nagare.adapter.SessionState;
import dev.nagare.wire.EnginePacket;
import dev.nagare.wire.SocketIoCodec;
import dev.nagare.wire.SocketPacket;
import dev.nagare.wire.SocketPacketType;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Socket.IO namespace: its sockets, connect middleware, connection handlers and adapter.
 * Socket maps and the adapter are event-loop only; public methods may be called from any thread.
 */
public final class Namespace implements AdapterHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Namespace.class);

    private final SocketIoServer server;
    private final String name;
    private volatile Adapter adapter; // replaced only by enableRecovery, before any socket connects
    private volatile long recoveryMs;
    private final Map<String, Socket> sockets = new HashMap<>(); // event-loop only
    private final List<ConnectMiddleware> middlewares = new CopyOnWriteArrayList<>();
    private final List<Consumer<Socket>> connectionHandlers = new CopyOnWriteArrayList<>();
    private final Map<String, List<ServerSideHandler>> serverSideHandlers = new java.util.concurrent.ConcurrentHashMap<>();

    Namespace(SocketIoServer server, String name) {
        this.server = server;
        this.name = name;
        this.recoveryMs = server.config().recovery() ? server.config().maxDisconnectionMs() : 0;
        this.adapter = server.newAdapter(this, recoveryMs);
    }

    /**
     * Turns on connection state recovery for this namespace (Socket.IO 4.6 semantics): a client
     * that drops and comes back within {@code maxDisconnection} gets its id, rooms and data back
     * and every packet it missed. Call it before clients connect.
     */
    public synchronized Namespace enableRecovery(java.time.Duration maxDisconnection) {
        long ms = maxDisconnection.toMillis();
        if (ms <= 0) {
            throw new IllegalArgumentException("the recovery window must be positive");
        }
        if (!sockets.isEmpty()) {
            throw new IllegalStateException("enable recovery on " + name + " before clients connect");
        }
        recoveryMs = ms;
        replaceAdapter();
        return this;
    }

    /** A new adapter from the server's current factory; only before clients connect. */
    synchronized void renewAdapter() {
        if (!sockets.isEmpty()) {
            throw new IllegalStateException("change the adapter of " + name + " before clients connect");
        }
        replaceAdapter();
    }

    /**
     * Closes the adapter, then makes the new one, so that two never listen at once (both would
     * deliver what the other nodes send). RedisLink also keeps a subscription per handler, so the
     * old adapter's close cannot take the new one's channels whatever the order.
     */
    private void replaceAdapter() {
        adapter.close();
        adapter = server.newAdapter(this, recoveryMs);
    }

    boolean recoveryEnabled() {
        return recoveryMs > 0;
    }

    public String name() {
        return name;
    }

    public SocketIoServer server() {
        return server;
    }

    /** Adds connect middleware; it runs for sockets that connect afterwards. */
    public Namespace use(ConnectMiddleware middleware) {
        middlewares.add(middleware);
        return this;
    }

    /** {@code on("connection", socket -> ...)}; "connect" is accepted as a synonym, as upstream. */
    public Namespace on(String event, Consumer<Socket> handler) {
        if (!"connection".equals(event) && !"connect".equals(event)) {
            throw new IllegalArgumentException("a namespace emits only 'connection'; got '" + event + "'");
        }
        connectionHandlers.add(handler);
        return this;
    }

    public Namespace onConnection(Consumer<Socket> handler) {
        return on("connection", handler);
    }

    /**
     * Listens for {@code event} sent by the other nodes of the cluster with serverSideEmit (Nagare
     * or Node.js socket.io servers); {@code ack.send(answer)} answers a node that waits for one.
     */
    public Namespace onServerSideEmit(String event, ServerSideHandler handler) {
        serverSideHandlers.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(handler);
        return this;
    }

    /** Sends {@code event} to the server-side listeners of the other nodes (socket.io's serverSideEmit). */
    public void serverSideEmit(String event, Object... args) {
        List<Object> list = Socket.eventList(event, args);
        onContext(() -> adapter.serverSideEmit(list));
    }

    /**
     * As {@link #serverSideEmit}, with every other node's answer; fails with
     * {@link dev.nagare.adapter.ResponsesTimeout} (and the answers that came) when one is late.
     */
    public Future<List<Object>> serverSideEmitWithAck(Duration timeout, String event, Object... args) {
        List<Object> list = Socket.eventList(event, args);
        return callAsync(() -> adapter.serverSideEmitWithAck(list, timeout.toMillis()));
    }

    public BroadcastOperator to(String... rooms) {
        return BroadcastOperator.all(this).to(rooms);
    }

    public BroadcastOperator in(String... rooms) {
        return to(rooms);
    }

    public BroadcastOperator except(String... rooms) {
        return BroadcastOperator.all(this).except(rooms);
    }

    public BroadcastOperator volatile_() {
        return BroadcastOperator.all(this).volatile_();
    }

    /** {@code io.timeout(ms)}: for {@link BroadcastOperator#emitWithAck}. */
    public BroadcastOperator timeout(Duration limit) {
        return BroadcastOperator.all(this).timeout(limit);
    }

    public BroadcastOperator local() {
        return BroadcastOperator.all(this).local();
    }

    /** Emits to every socket in this namespace. */
    public void emit(String event, Object... args) {
        BroadcastOperator.all(this).emit(event, args);
    }

    public Future<List<Map<String, Object>>> fetchSockets() {
        return BroadcastOperator.all(this).fetchSockets();
    }

    public void socketsJoin(String... rooms) {
        BroadcastOperator.all(this).socketsJoin(rooms);
    }

    public void socketsLeave(String... rooms) {
        BroadcastOperator.all(this).socketsLeave(rooms);
    }

    public void disconnectSockets(boolean close) {
        BroadcastOperator.all(this).disconnectSockets(close);
    }

    /**
     * Forgets the connection state kept for recovery of dropped sockets whose data matches (e.g. a
     * login that ended): they can no longer be restored.
     */
    public void forgetRecovery(java.util.function.Predicate<Map<String, Object>> byData) {
        onContext(() -> adapter.dropSessions(state -> byData.test(state.data())));
    }

    /** A snapshot of the connected sockets, by id. */
    /** How many sockets are connected to this namespace on this node. Event-loop only. */
    public int size() {
        return sockets.size();
    }

    public Future<Map<String, Socket>> sockets() {
        return call(() -> Map.copyOf(sockets));
    }

    /** Rooms and their local member counts. */
    public Future<Map<String, Integer>> rooms() {
        return call(() -> {
            Map<String, Integer> out = new LinkedHashMap<>();
            for (String room : adapter.rooms()) {
                out.put(room, adapter.members(room).size());
            }
            return out;
        });
    }

    Adapter adapter() {
        return adapter;
    }

    Context context() {
        return server.context();
    }

    /** Runs {@code action} on the engine's event loop (now, if already there). */
    void onContext(Runnable action) {
        Context ctx = context();
        if (Vertx.currentContext() == ctx) {
            action.run();
        } else {
            ctx.runOnContext(v -> action.run());
        }
    }

    /** Runs {@code action} on the namespace's thread and hands back its future (adapter calls). */
    <T> Future<T> callAsync(Supplier<Future<T>> action) {
        Promise<T> p = Promise.promise();
        onContext(() -> {
            try {
                action.get().onComplete(p);
            } catch (RuntimeException e) {
                p.fail(e);
            }
        });
        return p.future();
    }

    <T> Future<T> call(Supplier<T> action) {
        Promise<T> p = Promise.promise();
        onContext(() -> {
            try {
                p.complete(action.get());
            } catch (RuntimeException e) {
                p.fail(e);
            }
        });
        return p.future();
    }

    // ---- connection ----

    void admit(Client client, Map<String, Object> auth) {
        Future<SessionState> restored = Future.succeededFuture();
        if (recoveryMs > 0 && auth.get("pid") instanceof String pid
                && auth.get("offset") instanceof String offset) {
            server.stats().recoveriesTried.increment();
            restored = adapter.restoreSession(pid, offset);
        }
        restored.onComplete(r -> onContext(() -> {
            SessionState state = r.succeeded() ? r.result() : null;
            Socket socket = new Socket(this, client, auth, state);
            // A recovered socket runs the middleware again (upstream skips it by default): whatever let
            // it in, e.g. a login, may have ended while it was away. The middleware sees the restored
            // data and socket.recovered(), and may refuse the recovery.
            Future<Void> checked = runMiddlewares(socket, 0);
            checked.onComplete(ar -> onContext(() -> finishConnect(client, socket, state, ar.cause())));
        }));
    }

    private void finishConnect(Client client, Socket socket, SessionState restored, Throwable refusal) {
        if (client.isClosed()) {
            client.refused(name);
            return;
        }
        if (refusal != null) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("message", refusal.getMessage() == null ? refusal.getClass().getSimpleName() : refusal.getMessage());
            if (refusal instanceof ConnectError ce && ce.data() != null) {
                body.put("data", ce.data());
            }
            LOG.debug("connection to {} refused: {}", name, body.get("message"));
            server.stats().refusedByMiddleware.increment();
            client.send(new SocketPacket(SocketPacketType.CONNECT_ERROR, name, SocketPacket.NO_ID, body));
            client.refused(name);
            return;
        }
        sockets.put(socket.id(), socket);
        server.stats().connects.increment();
        if (restored != null) {
            server.stats().recoveriesMade.increment();
        }
        client.connected(socket);
        socket.joinNow(Set.of(socket.id()));
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("sid", socket.id());
        if (socket.pid() != null) {
            reply.put("pid", socket.pid());
        }
        client.send(new SocketPacket(SocketPacketType.CONNECT, name, SocketPacket.NO_ID, reply));
        if (restored != null) {
            socket.joinNow(restored.rooms());
            String last = socket.auth().get("offset") instanceof String o ? o : null;
            for (List<Object> missed : restored.missedPackets()) {
                client.send(SocketPacket.event(name, missed, SocketPacket.NO_ID));
                last = missed.get(missed.size() - 1) instanceof String o ? o : last;
            }
            // Broadcasts between the restore and now (the middleware ran in between) went to
            // neither list: fetch them now that the socket is back in its rooms.
            if (last != null) {
                for (List<Object> missed : adapter.keptAfter(last, restored.rooms())) {
                    client.send(SocketPacket.event(name, missed, SocketPacket.NO_ID));
                }
            }
        }
        server.observer().connected(socket);
        for (Consumer<Socket> h : connectionHandlers) {
            try {
                h.accept(socket);
            } catch (RuntimeException e) {
                LOG.error("connection handler of {} failed", name, e);
            }
        }
        socket.sessionChanged(); // with what the handlers put in its data
    }

    private Future<Void> runMiddlewares(Socket socket, int index) {
        if (index >= middlewares.size()) {
            return Future.succeededFuture();
        }
        Future<Void> f;
        try {
            f = middlewares.get(index).check(socket);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        return f.compose(v -> runMiddlewares(socket, index + 1));
    }

    void removed(Socket socket) {
        sockets.remove(socket.id(), socket);
    }

    // ---- AdapterHandler: the one-way delivery path ----

    @Override
    public void deliver(SocketPacket packet, BroadcastOptions opts, Collection<String> socketIds) {
        if (socketIds.isEmpty()) {
            return;
        }
        SocketIoStats stats = server.stats();
        stats.broadcasts.increment();
        stats.deliveries.add(socketIds.size());
        SocketIoCodec.Encoded encoded = server.codec().encode(packet);
        List<EnginePacket> frames = Client.frames(encoded);
        Observer observer = server.observer();
        for (String id : socketIds) {
            Socket s = sockets.get(id);
            if (s == null) {
                continue;
            }
            try {
                if (s.client().send(frames, opts.volatile_()) && observer != Observer.NONE) {
                    observer.sent(s, packet.list());
                }
            } catch (RuntimeException e) {
                // One receiver's failure must never keep the packet from the others.
                LOG.warn("delivery to socket {} on {} failed: {}", id, name, e.toString());
            }
        }
    }

    @Override
    public int deliverWithAck(SocketPacket packet, Collection<String> socketIds, long timeoutMs, Consumer<Object> onAck) {
        int sent = 0;
        for (String id : socketIds) {
            Socket s = sockets.get(id);
            if (s == null) {
                continue;
            }
            s.sendWithAck(packet.list(), Duration.ofMillis(timeoutMs))
                    .onSuccess(args -> onAck.accept(args.isEmpty() ? null : args.get(0)));
            sent++;
        }
        return sent;
    }

    @Override
    public void serverSideEvent(List<Object> eventAndArgs, Consumer<Object> ack) {
        if (eventAndArgs.isEmpty() || !(eventAndArgs.get(0) instanceof String event)) {
            return;
        }
        List<ServerSideHandler> handlers = serverSideHandlers.getOrDefault(event, List.of());
        List<Object> args = java.util.Collections.unmodifiableList(new ArrayList<>(eventAndArgs.subList(1, eventAndArgs.size())));
        for (ServerSideHandler h : handlers) {
            try {
                h.handle(args, new RemoteAck(ack));
            } catch (RuntimeException e) {
                LOG.warn("server-side listener of '{}' on {} failed: {}", event, name, e.toString());
            }
        }
    }

    /** The answer to another node's serverSideEmitWithAck: its first argument, once. */
    private static final class RemoteAck implements Ack {
        private final Consumer<Object> ack;
        private boolean sent;

        RemoteAck(Consumer<Object> ack) {
            this.ack = ack;
        }

        @Override
        public boolean requested() {
            return ack != null;
        }

        @Override
        public synchronized void send(Object... args) {
            if (ack != null && !sent) {
                sent = true;
                ack.accept(args.length == 0 ? null : args[0]);
            }
        }
    }

    @Override
    public void join(Collection<String> socketIds, Set<String> rooms) {
        for (String id : socketIds) {
            Socket s = sockets.get(id);
            if (s != null) {
                s.joinNow(rooms);
            }
        }
    }

    @Override
    public void leave(Collection<String> socketIds, Set<String> rooms) {
        for (String id : socketIds) {
            Socket s = sockets.get(id);
            if (s != null) {
                for (String room : rooms) {
                    s.leaveNow(room);
                }
            }
        }
    }

    @Override
    public void disconnect(Collection<String> socketIds, boolean close) {
        for (String id : new ArrayList<>(socketIds)) {
            Socket s = sockets.get(id);
            if (s != null) {
                s.disconnect(close);
            }
        }
    }

    @Override
    public String namespace() {
        return name;
    }

    @Override
    public void execute(Runnable action) {
        onContext(action);
    }

    @Override
    public List<Map<String, Object>> describe(Collection<String> socketIds) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : socketIds) {
            Socket s = sockets.get(id);
            if (s != null) {
                out.add(s.describe());
            }
        }
        return out;
    }
}
