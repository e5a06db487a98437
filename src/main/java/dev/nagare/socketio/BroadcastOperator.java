package dev.nagare.socketio;

import dev.nagare.adapter.BroadcastOptions;
import dev.nagare.wire.SocketPacket;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable selection of sockets to emit to: {@code io.of("/").to("room").except("x").emit(...)}.
 * Every emit goes through the namespace's adapter. Usable from any thread.
 */
public final class BroadcastOperator {
    private final Namespace namespace;
    private final BroadcastOptions opts;
    private final Duration timeout; // null: the server's ack timeout

    private BroadcastOperator(Namespace namespace, BroadcastOptions opts) {
        this(namespace, opts, null);
    }

    private BroadcastOperator(Namespace namespace, BroadcastOptions opts, Duration timeout) {
        this.namespace = namespace;
        this.opts = opts;
        this.timeout = timeout;
    }

    static BroadcastOperator all(Namespace namespace) {
        return new BroadcastOperator(namespace, BroadcastOptions.ALL);
    }

    static BroadcastOperator except(Namespace namespace, String socketId) {
        return new BroadcastOperator(namespace, new BroadcastOptions(Set.of(), Set.of(socketId), false, false));
    }

    public BroadcastOperator to(String... rooms) {
        Set<String> r = new HashSet<>(opts.rooms());
        r.addAll(List.of(rooms));
        return new BroadcastOperator(namespace, new BroadcastOptions(r, opts.except(), opts.volatile_(), opts.local()), timeout);
    }

    public BroadcastOperator in(String... rooms) {
        return to(rooms);
    }

    public BroadcastOperator except(String... rooms) {
        Set<String> e = new HashSet<>(opts.except());
        e.addAll(List.of(rooms));
        return new BroadcastOperator(namespace, new BroadcastOptions(opts.rooms(), e, opts.volatile_(), opts.local()), timeout);
    }

    /** Packets may be dropped for clients that cannot take them right now (typing, positions). */
    public BroadcastOperator volatile_() {
        return new BroadcastOperator(namespace, new BroadcastOptions(opts.rooms(), opts.except(), true, opts.local()), timeout);
    }

    /** Only sockets on this node, even with a clustered adapter. */
    public BroadcastOperator local() {
        return new BroadcastOperator(namespace, new BroadcastOptions(opts.rooms(), opts.except(), opts.volatile_(), true), timeout);
    }

    /** How long {@link #emitWithAck} waits for every client's answer. */
    public BroadcastOperator timeout(Duration limit) {
        return new BroadcastOperator(namespace, opts, limit);
    }

    /**
     * Emits to every selected socket, on every node, and gathers each client's first ack argument
     * (socket.io's {@code io.timeout(ms).emitWithAck}): fails with
     * {@link dev.nagare.adapter.ResponsesTimeout}, holding the answers that came, when one is late.
     */
    public Future<List<Object>> emitWithAck(String event, Object... args) {
        long ms = (timeout != null ? timeout : Duration.ofMillis(namespace.server().config().ackTimeoutMs())).toMillis();
        SocketPacket packet = SocketPacket.event(namespace.name(), Socket.eventList(event, args), SocketPacket.NO_ID);
        return namespace.callAsync(() -> namespace.adapter().broadcastWithAck(packet, opts, ms));
    }

    public BroadcastOptions options() {
        return opts;
    }

    public void emit(String event, Object... args) {
        SocketPacket packet = SocketPacket.event(namespace.name(), Socket.eventList(event, args), SocketPacket.NO_ID);
        namespace.onContext(() -> namespace.adapter().broadcast(packet, opts));
    }

    public Future<List<Map<String, Object>>> fetchSockets() {
        // On the namespace's thread: the adapter reads its room tables there (compose may run here).
        return namespace.callAsync(() -> namespace.adapter().fetchSockets(opts));
    }

    public void socketsJoin(String... rooms) {
        Set<String> r = Set.of(rooms);
        namespace.onContext(() -> namespace.adapter().addSockets(opts, r));
    }

    public void socketsLeave(String... rooms) {
        Set<String> r = Set.of(rooms);
        namespace.onContext(() -> namespace.adapter().delSockets(opts, r));
    }

    public void disconnectSockets(boolean close) {
        namespace.onContext(() -> namespace.adapter().disconnectSockets(opts, close));
    }
}
