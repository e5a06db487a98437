package dev.nagare.adapter;

import dev.nagare.wire.MsgpackCodec;
import dev.nagare.wire.ProtocolException;
import dev.nagare.wire.RedisAdapterCodec;
import dev.nagare.wire.SocketPacket;
import dev.nagare.wire.SocketPacketType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Connection state recovery across the nodes of a cluster, for one namespace: a client whose node
 * died reconnects to any node and gets its id, rooms and data back, and every packet it missed.
 *
 * <pre>
 *   stream  P-recovery#N#        XADD MAXLEN ~ maxPackets * opts &lt;msgpack {rooms, except}&gt; data &lt;msgpack [event, ...args]&gt;
 *                                the entry id ("1733400000000-0") is the packet's offset on every node: the
 *                                publisher sends it to the others in opts.flags.nagareOffset
 *   session P-session#N#PID      msgpack {sid, pid, rooms, data, disconnectedAt}, SET PX; GETDEL on restore
 * </pre>
 *
 * A node cannot speak once killed, so a recoverable socket's state is written when it connects and
 * when its rooms change, refreshed every third of the window (data changes show from then) and as
 * soon as a restarted Redis is back, and written once more when it disconnects; it expires a window
 * after the node last wrote it.
 * Broadcasts with offsets are delivered in the order they were made (each waits for the offset of
 * the one before). Only plain data values leave the node (see {@link MsgpackCodec#plain}); the
 * connect middleware runs again on the node that restores, so a login that ended ends the recovery.
 * Broadcasts from Node.js servers and the emitter carry no offset and are not replayed.
 * Namespace thread only, but for the Redis replies, which are handed to it.
 */
final class RedisRecovery {
    static final Pattern OFFSET = Pattern.compile("\\d{1,20}-\\d{1,20}");
    private static final Pattern PID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Broadcasts waiting for their offset; past this, Redis is too slow and they go without one. */
    private static final int MAX_WAITING = 10_000;

    /** Sends a broadcast on (to the other nodes and the local sockets) once its offset is known (null: none). */
    interface Sender {
        void send(SocketPacket packet, BroadcastOptions opts, String offset);
    }

    private record Kept(long ms, long seq, BroadcastOptions opts, List<Object> data, long at) {
    }

    private final RedisLink link;
    private final MsgpackCodec msgpack;
    private final AdapterHandler handler;
    private final Vertx vertx;
    private final long windowMs;
    private final int maxPackets;
    private final String stream;
    private final String sessionPrefix;
    private final ArrayDeque<Kept> recent = new ArrayDeque<>(); // offsets seen here, for keptAfter
    private final Map<String, SessionState> live = new LinkedHashMap<>(); // pid -> state of connected sockets
    private final long refreshTimer;
    private Future<Void> tail = Future.succeededFuture();
    private int waiting;
    private boolean closed;

    RedisRecovery(Vertx vertx, RedisLink link, MsgpackCodec msgpack, AdapterHandler handler, long windowMs, int maxPackets) {
        this.vertx = vertx;
        this.link = link;
        this.msgpack = msgpack;
        this.handler = handler;
        this.windowMs = windowMs;
        this.maxPackets = Math.max(1, maxPackets);
        String key = link.config().key();
        this.stream = key + "-recovery#" + handler.namespace() + "#";
        this.sessionPrefix = key + "-session#" + handler.namespace() + "#";
        this.refreshTimer = vertx.setPeriodic(Math.max(1000, windowMs / 3), t -> handler.execute(this::refresh));
        // A Redis that restarted lost the kept states: write them again as soon as it is back.
        link.onState(up -> {
            if (up) {
                handler.execute(this::refresh);
            }
        });
    }

    void broadcast(SocketPacket packet, BroadcastOptions opts, Sender sender) {
        boolean recoverable = packet.type() == SocketPacketType.EVENT && !packet.hasId() && !opts.volatile_();
        if (recoverable && waiting >= MAX_WAITING) {
            link.warn("recovery: " + waiting + " broadcasts on " + handler.namespace()
                    + " wait for Redis; this one goes without an offset");
            recoverable = false;
        }
        if (!recoverable && waiting == 0) {
            sender.send(packet, opts, null);
            return;
        }
        Future<String> offset = Future.succeededFuture();
        if (recoverable) {
            Request xadd = Request.cmd(Command.XADD).arg(stream).arg("MAXLEN").arg("~").arg(maxPackets).arg("*")
                    .arg("opts").arg(msgpack.encode(RedisAdapterCodec.opts(opts.rooms(), opts.except(), null)))
                    .arg("data").arg(msgpack.encode(packet.list()));
            offset = link.sendInOrder(xadd).map(Response::toString);
        }
        waiting++;
        Promise<Void> next = Promise.promise();
        Future<Void> before = tail;
        tail = next.future();
        boolean wanted = recoverable;
        Future<String> id = offset;
        before.onComplete(v -> id.onComplete(ar -> handler.execute(() -> {
            waiting--;
            String got = ar.succeeded() ? ar.result() : null;
            if (wanted && got == null) {
                link.warn("recovery: no offset for a broadcast on " + handler.namespace() + " (" + ar.cause().getMessage() + ")");
            }
            if (got != null) {
                keep(got, opts, packet.list());
            }
            try {
                sender.send(packet, opts, got);
            } finally {
                next.complete();
            }
        })));
    }

    /** A broadcast from another node with its offset: kept, and its data with the offset appended. */
    List<Object> fromOtherNode(String offset, BroadcastOptions opts, List<Object> data) {
        if (!OFFSET.matcher(offset).matches()) {
            return data;
        }
        keep(offset, opts, data);
        List<Object> withOffset = new ArrayList<>(data);
        withOffset.add(offset);
        return withOffset;
    }

    private void keep(String offset, BroadcastOptions opts, List<Object> data) {
        long now = System.currentTimeMillis();
        long[] id = parse(offset);
        recent.add(new Kept(id[0], id[1], opts, data, now));
        while (recent.size() > maxPackets || !recent.isEmpty() && recent.peekFirst().at() < now - windowMs) {
            recent.pollFirst();
        }
    }

    /** What this node saw after {@code offset} that a socket in {@code rooms} would have received. */
    List<List<Object>> keptAfter(String offset, Set<String> rooms) {
        if (!OFFSET.matcher(offset).matches()) {
            return List.of();
        }
        long[] after = parse(offset);
        List<List<Object>> out = new ArrayList<>();
        for (Kept k : recent) {
            boolean later = k.ms() > after[0] || k.ms() == after[0] && k.seq() > after[1];
            if (later && MemoryAdapter.includes(rooms, k.opts())) {
                List<Object> data = new ArrayList<>(k.data());
                data.add(k.ms() + "-" + k.seq());
                out.add(data);
            }
        }
        return out;
    }

    private static long[] parse(String offset) {
        int dash = offset.indexOf('-');
        return new long[] {Long.parseUnsignedLong(offset.substring(0, dash)), Long.parseUnsignedLong(offset.substring(dash + 1))};
    }

    void sessionChanged(SessionState state) {
        live.put(state.pid(), state);
        write(state, windowMs + refreshMs());
    }

    void sessionEnded(String pid) {
        live.remove(pid);
        link.sendInOrder(Request.cmd(Command.DEL).arg(sessionPrefix + pid));
    }

    void persist(SessionState state) {
        live.remove(state.pid());
        write(state, windowMs);
    }

    private long refreshMs() {
        return Math.max(1000, windowMs / 3);
    }

    private void refresh() {
        if (closed) {
            return;
        }
        for (SessionState s : live.values()) {
            write(s, windowMs + refreshMs());
        }
    }

    private void write(SessionState s, long ttlMs) {
        Map<String, Object> data = new LinkedHashMap<>();
        s.data().forEach((k, v) -> {
            if (MsgpackCodec.plain(v)) {
                data.put(k, v);
            }
        });
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("sid", s.sid());
        value.put("pid", s.pid());
        value.put("rooms", List.copyOf(s.rooms()));
        value.put("data", data);
        value.put("disconnectedAt", s.disconnectedAt());
        link.sendInOrder(Request.cmd(Command.SET).arg(sessionPrefix + s.pid()).arg(msgpack.encode(value))
                .arg("PX").arg(ttlMs)).onFailure(e -> link.warn("recovery: session not kept (" + e.getMessage() + ")"));
    }

    /** The session of {@code pid} (taken: once) with what it missed after {@code offset}, or null. */
    Future<SessionState> restore(String pid, String offset) {
        if (pid == null || offset == null || !PID.matcher(pid).matches() || !OFFSET.matcher(offset).matches()) {
            return Future.succeededFuture();
        }
        return link.send(Request.cmd(Command.GETDEL).arg(sessionPrefix + pid)).compose(saved -> {
            if (saved == null) {
                return Future.succeededFuture();
            }
            Map<?, ?> state;
            try {
                state = msgpack.decode(saved.toBytes()) instanceof Map<?, ?> m ? m : Map.of();
            } catch (ProtocolException e) {
                link.warn("recovery: a kept session was unreadable: " + e.getMessage());
                return Future.succeededFuture();
            }
            return link.send(Request.cmd(Command.XRANGE).arg(stream).arg(offset).arg("+").arg("COUNT").arg(2L * maxPackets + 1))
                    .map(entries -> session(state, offset, entries));
        }).recover(e -> {
            link.warn("recovery: cannot read the session from Redis (" + e.getMessage() + ")");
            return Future.succeededFuture();
        });
    }

    private SessionState session(Map<?, ?> state, String offset, Response entries) {
        // The client's own offset must still be held; otherwise what it missed may be gone too.
        if (entries == null || entries.size() == 0 || !offset.equals(entries.get(0).get(0).toString())) {
            return null;
        }
        try {
            Set<String> rooms = RedisAdapterCodec.strings(state.get("rooms"), "rooms");
            List<List<Object>> missed = new ArrayList<>();
            for (int i = 1; i < entries.size(); i++) {
                Response entry = entries.get(i);
                Response fields = entry.get(1);
                Map<String, byte[]> byName = new LinkedHashMap<>();
                for (int f = 0; f + 1 < fields.size(); f += 2) {
                    byName.put(fields.get(f).toString(), fields.get(f + 1).toBytes());
                }
                Map<?, ?> o = msgpack.decode(byName.get("opts")) instanceof Map<?, ?> m ? m : Map.of();
                BroadcastOptions opts = new BroadcastOptions(RedisAdapterCodec.strings(o.get("rooms"), "rooms"),
                        RedisAdapterCodec.strings(o.get("except"), "except"), false, true);
                if (MemoryAdapter.includes(rooms, opts) && msgpack.decode(byName.get("data")) instanceof List<?> data) {
                    List<Object> withOffset = new ArrayList<>(data);
                    withOffset.add(entry.get(0).toString());
                    missed.add(withOffset);
                }
            }
            Map<String, Object> data = new LinkedHashMap<>();
            if (state.get("data") instanceof Map<?, ?> d) {
                d.forEach((k, v) -> {
                    if (v != null) {
                        data.put(String.valueOf(k), v);
                    }
                });
            }
            long at = state.get("disconnectedAt") instanceof Number n ? n.longValue() : 0;
            return new SessionState(String.valueOf(state.get("sid")), String.valueOf(state.get("pid")), rooms,
                    data, at, missed);
        } catch (ProtocolException | RuntimeException e) {
            link.warn("recovery: a kept packet was unreadable: " + e.getMessage());
            return null;
        }
    }

    void close() {
        closed = true;
        vertx.cancelTimer(refreshTimer);
        live.clear();
        recent.clear();
    }
}
