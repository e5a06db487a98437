package dev.nagare.socketio;

import dev.nagare.adapter.BroadcastOptions;
import dev.nagare.wire.SocketPacket;
import io.vertx.core.Future;
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

    private BroadcastOperator(Namespace namespace, BroadcastOptions opts) {
        this.namespace = namespace;
        this.opts = opts;
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
        return new BroadcastOperator(namespace, new BroadcastOptions(r, opts.except(), opts.volatile_(), opts.local()));
    }

    public BroadcastOperator in(String... rooms) {
        return to(rooms);
    }

    public BroadcastOperator except(String... rooms) {
        Set<String> e = new HashSet<>(opts.except());
        e.addAll(List.of(rooms));
        return new BroadcastOperator(namespace, new BroadcastOptions(opts.rooms(), e, opts.volatile_(), opts.local()));
    }

    /** Packets may be dropped for clients that cannot take them right now (typing, positions). */
    public BroadcastOperator volatile_() {
        return new BroadcastOperator(namespace, new BroadcastOptions(opts.rooms(), opts.except(), true, opts.local()));
    }

    /** Only sockets on this node, even with a clustered adapter. */
    public BroadcastOperator local() {
        return new BroadcastOperator(namespace, new BroadcastOptions(opts.rooms(), opts.except(), opts.volatile_(), true));
    }

    public BroadcastOptions options() {
        return opts;
    }

    public void emit(String event, Object... args) {
        SocketPacket packet = SocketPacket.event(namespace.name(), Socket.eventList(event, args), SocketPacket.NO_ID);
        namespace.onContext(() -> namespace.adapter().broadcast(packet, opts));
    }

    public Future<List<Map<String, Object>>> fetchSockets() {
        return namespace.call(() -> namespace.adapter()).compose(a -> a.fetchSockets(opts));
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
