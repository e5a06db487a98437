package dev.nagare.adapter;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nagare.wire.ProtocolException;
import dev.nagare.wire.RedisAdapterCodec;
import dev.nagare.wire.RedisAdapterCodec.Broadcast;
import dev.nagare.wire.SocketPacket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * One namespace's rooms and broadcasts across the nodes of a cluster, on the wire of the classic
 * {@code @socket.io/redis-adapter} 8 (CLUSTER_NOTES section 2), so Nagare nodes, Node.js socket.io
 * servers with that adapter and {@code @socket.io/redis-emitter} publishers share one cluster.
 *
 * <p>Local state (rooms, recovery) is a {@link MemoryAdapter}. A broadcast is published, then
 * delivered locally; what other nodes publish is delivered locally only. socketsJoin, socketsLeave
 * and disconnectSockets apply here at once and are published for the others (Node applies its own
 * when Redis echoes them; this node drops its echo by uid). What this node asks and waits for
 * (fetchSockets, broadcasts with acks, serverSideEmitWithAck) is {@link RedisRequests}; here it
 * answers what the others ask.
 *
 * <p>Everything but the constructor runs on the namespace's thread: messages from Redis are handed
 * there through {@link AdapterHandler#execute}.
 */
public final class RedisAdapter implements Adapter {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

    /** The flag that carries a broadcast's recovery offset to the other Nagare nodes. */
    static final String OFFSET_FLAG = "nagareOffset";

    // RequestType of @socket.io/redis-adapter
    static final int SOCKETS = 0;
    static final int ALL_ROOMS = 1;
    static final int REMOTE_JOIN = 2;
    static final int REMOTE_LEAVE = 3;
    static final int REMOTE_DISCONNECT = 4;
    static final int REMOTE_FETCH = 5;
    static final int SERVER_SIDE_EMIT = 6;
    static final int BROADCAST = 7;

    private final RedisLink link;
    private final RedisAdapterCodec codec;
    private final AdapterHandler handler;
    private final MemoryAdapter local;
    private final RedisRecovery recovery; // null: recovery off, or kept by local (single-node semantics)
    private final Vertx vertx;
    private final String uid = randomId(6);
    private final String nsp;
    private final String channel;          // P#N#
    private final String requestChannel;   // P-request#N#
    private final String responseChannel;  // P-response#N#
    private final String ownResponseChannel; // P-response#N#UID#
    // What Redis hands in, passed to the namespace's thread (kept: unsubscribing names its own handler).
    private final java.util.function.BiConsumer<String, byte[]> onBroadcast =
            (ch, bytes) -> handlerExecute(() -> onBroadcast(ch, bytes));
    private final java.util.function.Consumer<byte[]> onRequest = bytes -> handlerExecute(() -> onRequest(bytes));
    private final java.util.function.Consumer<byte[]> onResponse = bytes -> handlerExecute(() -> answered(bytes));
    private final RedisRequests requests;

    RedisAdapter(Vertx vertx, RedisLink link, RedisAdapterCodec codec, AdapterHandler handler, MemoryAdapter local) {
        this(vertx, link, codec, handler, local, null);
    }

    /** {@code local} keeps rooms (its own recovery off when {@code recovery} is given); null recovery: none. */
    RedisAdapter(Vertx vertx, RedisLink link, RedisAdapterCodec codec, AdapterHandler handler, MemoryAdapter local,
                 RedisRecovery recovery) {
        this.recovery = recovery;
        this.vertx = vertx;
        this.link = link;
        this.codec = codec;
        this.handler = handler;
        this.local = local;
        this.nsp = handler.namespace();
        String key = link.config().key();
        this.channel = key + "#" + nsp + "#";
        this.requestChannel = key + "-request#" + nsp + "#";
        this.responseChannel = key + "-response#" + nsp + "#";
        this.ownResponseChannel = responseChannel + uid + "#";
        this.requests = new RedisRequests(vertx, link, codec, handler, local, uid, requestChannel);
        link.psubscribe(channel + "*", onBroadcast);
        link.subscribe(requestChannel, onRequest);
        link.subscribe(responseChannel, onResponse);
        link.subscribe(ownResponseChannel, onResponse);
    }

    /**
     * The adapter factory of a clustered Socket.IO server: each namespace gets a RedisAdapter over
     * {@code link}, its local state kept by a MemoryAdapter with the namespace's recovery window.
     */
    public static BiFunction<AdapterHandler, Long, Adapter> factory(Vertx vertx, RedisLink link, ObjectMapper mapper,
                                                                   int recoveryPackets) {
        RedisAdapterCodec codec = new RedisAdapterCodec(mapper);
        return (handler, recoveryMs) -> new RedisAdapter(vertx, link, codec, handler, new MemoryAdapter(handler),
                recoveryMs > 0 ? new RedisRecovery(vertx, link, codec.msgpack(), handler, recoveryMs, recoveryPackets) : null);
    }

    private void handlerExecute(Runnable action) {
        handler.execute(action);
    }

    private void answered(byte[] bytes) {
        requests.onResponse(bytes);
    }

    /** This node's id in the namespace's cluster traffic. */
    public String uid() {
        return uid;
    }

    @Override
    public void addAll(String socketId, Set<String> rooms) {
        local.addAll(socketId, rooms);
    }

    @Override
    public void del(String socketId, String room) {
        local.del(socketId, room);
    }

    @Override
    public void delAll(String socketId) {
        local.delAll(socketId);
    }

    @Override
    public void broadcast(SocketPacket packet, BroadcastOptions opts) {
        if (recovery != null) {
            recovery.broadcast(packet, opts, this::send);
        } else {
            send(packet, opts, null);
        }
    }

    /** Publishes (unless local) and delivers here; {@code offset}, when known, goes to the others in the flags. */
    private void send(SocketPacket packet, BroadcastOptions opts, String offset) {
        if (!opts.local()) {
            Map<String, Object> flags = new LinkedHashMap<>();
            if (opts.volatile_()) {
                flags.put("volatile", true);
            }
            if (offset != null) {
                flags.put(OFFSET_FLAG, offset); // Node servers pass unknown flags by
            }
            byte[] message = codec.encodeBroadcast(new Broadcast(uid, nsp, packet.list(), opts.rooms(), opts.except(), flags));
            String to = opts.rooms().size() == 1 ? channel + opts.rooms().iterator().next() + "#" : channel;
            link.publish(to, message);
        }
        if (offset != null) {
            List<Object> data = new ArrayList<>(packet.list());
            data.add(offset);
            packet = new SocketPacket(packet.type(), packet.namespace(), packet.id(), data);
        }
        local.broadcast(packet, opts);
    }

    @Override
    public Future<List<Object>> broadcastWithAck(SocketPacket packet, BroadcastOptions opts, long timeoutMs) {
        return opts.local() ? local.broadcastWithAck(packet, opts, timeoutMs) : requests.broadcastWithAck(packet, opts, timeoutMs);
    }

    @Override
    public Future<List<Object>> serverSideEmitWithAck(List<Object> eventAndArgs, long timeoutMs) {
        return requests.serverSideEmitWithAck(eventAndArgs, timeoutMs);
    }

    @Override
    public Future<List<Map<String, Object>>> fetchSockets(BroadcastOptions opts) {
        return opts.local() ? local.fetchSockets(opts) : requests.fetchSockets(opts);
    }

    @Override
    public void serverSideEmit(List<Object> eventAndArgs) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("uid", uid);
        request.put("type", SERVER_SIDE_EMIT);
        request.put("data", eventAndArgs);
        link.publish(requestChannel, codec.json(request));
    }

    private void onBroadcast(String from, byte[] bytes) {
        // A broadcast to one room comes on that room's channel: skip decoding when no socket here is in it.
        String room = from.length() > channel.length() ? from.substring(channel.length(), from.length() - 1) : "";
        if (!room.isEmpty() && !local.hasRoom(room)) {
            return;
        }
        Broadcast b;
        try {
            b = codec.decodeBroadcast(bytes);
        } catch (ProtocolException e) {
            link.warn("a broadcast on " + from + " was dropped: " + e.getMessage());
            return;
        }
        if (uid.equals(b.uid()) || !nsp.equals(b.nsp())) {
            return;
        }
        BroadcastOptions opts = new BroadcastOptions(b.rooms(), b.except(), b.flag("volatile"), true);
        List<Object> data = b.data();
        if (recovery != null && b.flags().get(OFFSET_FLAG) instanceof String offset) {
            data = recovery.fromOtherNode(offset, opts, data);
        }
        local.broadcast(SocketPacket.event(nsp, data, SocketPacket.NO_ID), opts);
    }

    @Override
    public void addSockets(BroadcastOptions opts, Set<String> rooms) {
        publishRequest(REMOTE_JOIN, opts, Map.of("rooms", List.copyOf(rooms)));
        local.addSockets(opts, rooms);
    }

    @Override
    public void delSockets(BroadcastOptions opts, Set<String> rooms) {
        publishRequest(REMOTE_LEAVE, opts, Map.of("rooms", List.copyOf(rooms)));
        local.delSockets(opts, rooms);
    }

    @Override
    public void disconnectSockets(BroadcastOptions opts, boolean close) {
        publishRequest(REMOTE_DISCONNECT, opts, Map.of("close", close));
        local.disconnectSockets(opts, close);
    }

    private void publishRequest(int type, BroadcastOptions opts, Map<String, Object> fields) {
        if (opts.local()) {
            return;
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("uid", uid);
        request.put("type", type);
        request.put("opts", RedisAdapterCodec.opts(opts.rooms(), opts.except(), null));
        request.putAll(fields);
        link.publish(requestChannel, codec.json(request));
    }

    @Override
    public Future<Set<String>> sockets(Set<String> rooms) {
        return fetchSockets(new BroadcastOptions(rooms, Set.of(), false, false)).map(list -> {
            Set<String> ids = new LinkedHashSet<>();
            list.forEach(d -> ids.add(String.valueOf(d.get("id"))));
            return ids;
        });
    }

    private void onRequest(byte[] bytes) {
        Map<String, Object> request;
        try {
            request = codec.decodeMessage(bytes);
        } catch (ProtocolException e) {
            link.warn("a request on " + requestChannel + " was dropped: " + e.getMessage());
            return;
        }
        Object type = request.get("type");
        Object requestId = request.get("requestId");
        boolean own = uid.equals(request.get("uid"));
        try {
            switch (type instanceof Integer t ? t : -1) {
                case SOCKETS -> {
                    Set<String> rooms = RedisAdapterCodec.strings(request.get("rooms"), "rooms");
                    reply(requestId, Map.of("sockets", List.copyOf(local.select(new BroadcastOptions(rooms, Set.of(), false, true)))));
                }
                case ALL_ROOMS -> {
                    if (!requests.isOwn(requestId)) {
                        reply(requestId, Map.of("rooms", List.copyOf(local.rooms())));
                    }
                }
                case REMOTE_JOIN, REMOTE_LEAVE, REMOTE_DISCONNECT -> {
                    if (!own) {
                        apply((Integer) type, request);
                    }
                }
                case REMOTE_FETCH -> {
                    if (!requests.isOwn(requestId)) {
                        reply(requestId, Map.of("sockets", handler.describe(local.select(options(request.get("opts"))))));
                    }
                }
                case SERVER_SIDE_EMIT -> {
                    if (!own && request.get("data") instanceof List<?> data) {
                        handler.serverSideEvent(new ArrayList<>(data), requestId instanceof String
                                ? answer -> reply(requestId, mapOf("type", SERVER_SIDE_EMIT, "data", answer)) : null);
                    }
                }
                case BROADCAST -> {
                    if (!requests.isOwn(requestId)) {
                        broadcastForOther(requestId, request);
                    }
                }
                default -> link.warn("a request of unknown type " + type + " on " + requestChannel + " was ignored");
            }
        } catch (ProtocolException | RuntimeException e) {
            link.warn("a request of type " + type + " on " + requestChannel + " was dropped: " + e.getMessage());
        }
    }

    /** Another node's broadcast with ack: deliver here, say to how many (type 8), then pass on each ack (type 9). */
    private void broadcastForOther(Object requestId, Map<String, Object> request) throws ProtocolException {
        if (!(requestId instanceof String id) || !(request.get("packet") instanceof Map<?, ?> packet)
                || !(packet.get("data") instanceof List<?> data) || data.isEmpty()) {
            throw new ProtocolException("a broadcast with ack needs a requestId and a packet with data");
        }
        Map<?, ?> opts = request.get("opts") instanceof Map<?, ?> m ? m : Map.of();
        long timeout = opts.get("flags") instanceof Map<?, ?> flags && flags.get("timeout") instanceof Number n
                ? Math.max(1, Math.min(n.longValue(), 600_000)) : link.config().requestsTimeout().toMillis();
        int sent = handler.deliverWithAck(SocketPacket.event(nsp, new ArrayList<>(data), SocketPacket.NO_ID),
                local.select(options(opts)), timeout,
                answer -> link.publish(responseChannel, codec.msgpack().encode(mapOf("type", 9, "requestId", id, "packet", answer))));
        reply(id, mapOf("type", 8, "clientCount", sent));
    }

    /** A map that keeps its order and takes null values (Map.of takes neither). */
    private static Map<String, Object> mapOf(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private void apply(int type, Map<String, Object> request) throws ProtocolException {
        if (!(request.get("opts") instanceof Map)) {
            applyLegacy(type, request);
            return;
        }
        BroadcastOptions opts = options(request.get("opts"));
        switch (type) {
            case REMOTE_JOIN -> local.addSockets(opts, RedisAdapterCodec.strings(request.get("rooms"), "rooms"));
            case REMOTE_LEAVE -> local.delSockets(opts, RedisAdapterCodec.strings(request.get("rooms"), "rooms"));
            default -> local.disconnectSockets(opts, Boolean.TRUE.equals(request.get("close")));
        }
    }

    /** Adapter 7's form: one socket id and one room, answered with the request id when done here. */
    private void applyLegacy(int type, Map<String, Object> request) {
        if (!(request.get("sid") instanceof String sid) || !local.select(
                new BroadcastOptions(Set.of(sid), Set.of(), false, true)).contains(sid)) {
            return;
        }
        switch (type) {
            case REMOTE_JOIN -> handler.join(List.of(sid), Set.of(String.valueOf(request.get("room"))));
            case REMOTE_LEAVE -> handler.leave(List.of(sid), Set.of(String.valueOf(request.get("room"))));
            default -> handler.disconnect(List.of(sid), Boolean.TRUE.equals(request.get("close")));
        }
        reply(request.get("requestId"), Map.of());
    }

    private static BroadcastOptions options(Object opts) throws ProtocolException {
        Map<?, ?> m = opts instanceof Map<?, ?> map ? map : Map.of();
        return new BroadcastOptions(RedisAdapterCodec.strings(m.get("rooms"), "rooms"),
                RedisAdapterCodec.strings(m.get("except"), "except"), false, true);
    }

    private void reply(Object requestId, Map<String, Object> fields) {
        if (!(requestId instanceof String id)) {
            return;
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("requestId", id);
        response.putAll(fields);
        link.publish(responseChannel, codec.json(response));
    }

    @Override
    public Set<String> rooms() {
        return local.rooms();
    }

    @Override
    public Set<String> members(String room) {
        return local.members(room);
    }

    @Override
    public void persistSession(SessionState state) {
        if (recovery != null) {
            recovery.persist(state);
        }
    }

    @Override
    public void sessionChanged(SessionState live) {
        if (recovery != null) {
            recovery.sessionChanged(live);
        }
    }

    @Override
    public void sessionEnded(String pid) {
        if (recovery != null) {
            recovery.sessionEnded(pid);
        }
    }

    @Override
    public Future<SessionState> restoreSession(String pid, String offset) {
        if (recovery == null) {
            return Future.succeededFuture();
        }
        Promise<SessionState> restored = Promise.promise();
        recovery.restore(pid, offset).onComplete(ar -> handler.execute(() -> restored.handle(ar)));
        return restored.future();
    }

    @Override
    public List<List<Object>> keptAfter(String offset, Set<String> rooms) {
        return recovery == null ? List.of() : recovery.keptAfter(offset, rooms);
    }

    /**
     * Kept sessions live in Redis without the principal (it holds credentials): an ended login is
     * refused when the connect middleware runs again on the restoring node.
     */
    @Override
    public void dropSessions(Predicate<SessionState> which) {
    }

    @Override
    public void close() {
        link.punsubscribe(channel + "*", onBroadcast);
        link.unsubscribe(requestChannel, onRequest);
        link.unsubscribe(responseChannel, onResponse);
        link.unsubscribe(ownResponseChannel, onResponse);
        requests.close();
        if (recovery != null) {
            recovery.close();
        }
        local.close();
    }

    static String randomId(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ID_CHARS[RANDOM.nextInt(ID_CHARS.length)];
        }
        return new String(out);
    }
}
