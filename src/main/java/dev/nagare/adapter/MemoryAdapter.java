package dev.nagare.adapter;

import dev.nagare.wire.SocketPacket;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Rooms and broadcast for a single node. Event-loop only: no locking. */
public final class MemoryAdapter implements Adapter {
    private final AdapterHandler handler;
    private final Map<String, Set<String>> rooms = new HashMap<>();   // room -> socket ids
    private final Map<String, Set<String>> sids = new HashMap<>();    // socket id -> rooms

    public MemoryAdapter(AdapterHandler handler) {
        this.handler = handler;
    }

    @Override
    public void addAll(String socketId, Set<String> newRooms) {
        Set<String> mine = sids.computeIfAbsent(socketId, k -> new HashSet<>());
        for (String room : newRooms) {
            mine.add(room);
            rooms.computeIfAbsent(room, k -> new LinkedHashSet<>()).add(socketId);
        }
    }

    @Override
    public void del(String socketId, String room) {
        Set<String> mine = sids.get(socketId);
        if (mine != null) {
            mine.remove(room);
        }
        removeFromRoom(room, socketId);
    }

    @Override
    public void delAll(String socketId) {
        Set<String> mine = sids.remove(socketId);
        if (mine != null) {
            for (String room : mine) {
                removeFromRoom(room, socketId);
            }
        }
    }

    private void removeFromRoom(String room, String socketId) {
        Set<String> members = rooms.get(room);
        if (members != null && members.remove(socketId) && members.isEmpty()) {
            rooms.remove(room);
        }
    }

    @Override
    public void broadcast(SocketPacket packet, BroadcastOptions opts) {
        handler.deliver(packet, opts, select(opts));
    }

    /** The local socket ids {@code opts} selects, in a stable order. */
    Collection<String> select(BroadcastOptions opts) {
        Set<String> excluded = Collections.emptySet();
        if (!opts.except().isEmpty()) {
            excluded = new HashSet<>();
            for (String room : opts.except()) {
                Set<String> members = rooms.get(room);
                if (members != null) {
                    excluded.addAll(members);
                }
            }
        }
        if (opts.rooms().isEmpty()) {
            if (excluded.isEmpty()) {
                return List.copyOf(sids.keySet());
            }
            Set<String> out = new LinkedHashSet<>(sids.keySet());
            out.removeAll(excluded);
            return out;
        }
        if (opts.rooms().size() == 1 && excluded.isEmpty()) {
            Set<String> members = rooms.get(opts.rooms().iterator().next());
            return members == null ? List.of() : List.copyOf(members);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String room : opts.rooms()) {
            Set<String> members = rooms.get(room);
            if (members != null) {
                for (String id : members) {
                    if (!excluded.contains(id)) {
                        out.add(id);
                    }
                }
            }
        }
        return out;
    }

    @Override
    public Future<Set<String>> sockets(Set<String> which) {
        return Future.succeededFuture(Set.copyOf(select(new BroadcastOptions(which, Set.of(), false, true))));
    }

    @Override
    public Set<String> rooms() {
        return Set.copyOf(rooms.keySet());
    }

    @Override
    public Set<String> members(String room) {
        Set<String> m = rooms.get(room);
        return m == null ? Set.of() : Set.copyOf(m);
    }

    @Override
    public void addSockets(BroadcastOptions opts, Set<String> newRooms) {
        handler.join(select(opts), newRooms);
    }

    @Override
    public void delSockets(BroadcastOptions opts, Set<String> oldRooms) {
        handler.leave(select(opts), oldRooms);
    }

    @Override
    public void disconnectSockets(BroadcastOptions opts, boolean close) {
        handler.disconnect(select(opts), close);
    }

    @Override
    public Future<List<Map<String, Object>>> fetchSockets(BroadcastOptions opts) {
        return Future.succeededFuture(handler.describe(select(opts)));
    }

    @Override
    public void close() {
        rooms.clear();
        sids.clear();
    }
}
