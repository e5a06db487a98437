package dev.nagare.adapter;

import dev.nagare.wire.SocketPacket;
import dev.nagare.wire.SocketPacketType;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rooms and broadcast for a single node, plus connection state recovery (Socket.IO 4.6): when
 * {@code maxDisconnectionMs > 0}, every non-volatile EVENT without ack id gets an offset appended as
 * its last argument and is kept (at most {@code maxPackets}, at most that long) so that a client
 * reconnecting with its pid and last offset receives what it missed. Event-loop only: no locking.
 */
public final class MemoryAdapter implements Adapter {
    private static final int MAX_SESSIONS = 100_000;

    /** A kept broadcast: its offset sequence number, who it was for, its data, when. */
    private record Kept(long seq, BroadcastOptions opts, List<Object> data, long at) {
    }

    private final AdapterHandler handler;
    private final long maxDisconnectionMs;
    private final int maxPackets;
    private final Map<String, Set<String>> rooms = new HashMap<>();   // room -> socket ids
    private final Map<String, Set<String>> sids = new HashMap<>();    // socket id -> rooms
    private final ArrayDeque<Kept> packets = new ArrayDeque<>();
    private final LinkedHashMap<String, SessionState> sessions = new LinkedHashMap<>(); // pid -> state, oldest first
    private long nextSeq = 1;

    /** A memory adapter without recovery. */
    public MemoryAdapter(AdapterHandler handler) {
        this(handler, 0, 0);
    }

    public MemoryAdapter(AdapterHandler handler, long maxDisconnectionMs, int maxPackets) {
        this.handler = handler;
        this.maxDisconnectionMs = maxDisconnectionMs;
        this.maxPackets = maxPackets;
    }

    @Override
    public void addAll(String socketId, Set<String> newRooms) {
        // Sized for the common case, kept per idle socket (issue #21): a socket is in a few rooms,
        // and most rooms (each socket's own-id room) hold one socket; the default tables hold 16.
        Set<String> mine = sids.computeIfAbsent(socketId, k -> new HashSet<>(4));
        for (String room : newRooms) {
            mine.add(room);
            rooms.computeIfAbsent(room, k -> new LinkedHashSet<>(2)).add(socketId);
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
        if (maxDisconnectionMs > 0 && packet.type() == SocketPacketType.EVENT && !packet.hasId() && !opts.volatile_()) {
            long now = System.currentTimeMillis();
            prune(now);
            long seq = nextSeq++;
            List<Object> data = new ArrayList<>(packet.list());
            data.add(offset(seq));
            packets.add(new Kept(seq, opts, List.copyOf(data), now));
            packet = new SocketPacket(packet.type(), packet.namespace(), packet.id(), data);
        }
        handler.deliver(packet, opts, select(opts));
    }

    @Override
    public Future<List<Object>> broadcastWithAck(SocketPacket packet, BroadcastOptions opts, long timeoutMs) {
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("broadcastWithAck runs on the namespace's event loop");
        }
        AckCollector acks = new AckCollector(context.owner(), 1, timeoutMs, () -> { });
        acks.counted(handler.deliverWithAck(packet, select(opts), timeoutMs, acks::ack));
        return acks.future();
    }

    @Override
    public void persistSession(SessionState state) {
        if (maxDisconnectionMs <= 0) {
            return;
        }
        prune(System.currentTimeMillis());
        sessions.remove(state.pid());
        sessions.put(state.pid(), state);
        if (sessions.size() > MAX_SESSIONS) {
            sessions.remove(sessions.keySet().iterator().next());
        }
    }

    @Override
    public void dropSessions(java.util.function.Predicate<SessionState> which) {
        sessions.values().removeIf(which);
    }

    @Override
    public Future<SessionState> restoreSession(String pid, String offset) {
        long now = System.currentTimeMillis();
        prune(now);
        SessionState s = sessions.remove(pid);
        long seq = parseOffset(offset);
        if (s == null || seq < 0 || packets.isEmpty()) {
            return Future.succeededFuture(null);
        }
        long first = packets.peekFirst().seq();
        if (seq < first || seq > packets.peekLast().seq()) {
            return Future.succeededFuture(null); // the offset is no longer (or never was) held
        }
        return Future.succeededFuture(new SessionState(s.sid(), s.pid(), s.rooms(), s.data(), s.disconnectedAt(),
                after(seq, s.rooms())));
    }

    @Override
    public List<List<Object>> keptAfter(String offset, Set<String> rooms) {
        long seq = parseOffset(offset);
        return seq < 0 ? List.of() : after(seq, rooms);
    }

    private List<List<Object>> after(long seq, Set<String> rooms) {
        List<List<Object>> missed = new ArrayList<>();
        for (Kept k : packets) {
            if (k.seq() > seq && includes(rooms, k.opts())) {
                missed.add(k.data());
            }
        }
        return missed;
    }

    static boolean includes(Set<String> sessionRooms, BroadcastOptions opts) {
        boolean included = opts.rooms().isEmpty();
        for (String room : sessionRooms) {
            if (opts.except().contains(room)) {
                return false;
            }
            if (opts.rooms().contains(room)) {
                included = true;
            }
        }
        return included;
    }

    private void prune(long now) {
        long oldest = now - maxDisconnectionMs;
        while (!packets.isEmpty() && (packets.size() > maxPackets || packets.peekFirst().at() < oldest)) {
            packets.pollFirst();
        }
        for (var it = sessions.values().iterator(); it.hasNext(); ) {
            if (it.next().disconnectedAt() >= oldest) {
                break; // oldest first: the rest are younger
            }
            it.remove();
        }
    }

    /** Offsets are strings on the wire (the client keeps the last string argument). */
    static String offset(long seq) {
        return Long.toString(seq, 36);
    }

    private static long parseOffset(String offset) {
        if (offset == null || offset.isEmpty() || offset.length() > 12) {
            return -1;
        }
        try {
            return Long.parseLong(offset, 36);
        } catch (NumberFormatException e) {
            return -1;
        }
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

    /** Whether some local socket is in {@code room}. */
    boolean hasRoom(String room) {
        return rooms.containsKey(room);
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
        packets.clear();
        sessions.clear();
    }
}
