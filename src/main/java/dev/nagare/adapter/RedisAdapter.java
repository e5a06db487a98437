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
import java.util.HashMap;
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
 * when Redis echoes them; this node drops its echo by uid). fetchSockets asks every subscriber of the
 * request channel and waits for all of them, or fails after the requests timeout.
 *
 * <p>Everything but the constructor runs on the namespace's thread: messages from Redis are handed
 * there through {@link AdapterHandler#execute}.
 */
public final class RedisAdapter implements Adapter {
    /** Requests this node may have in flight per namespace; more fail at once. */
    static final int MAX_PENDING = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

    // RequestType of @socket.io/redis-adapter
    static final int SOCKETS = 0;
    static final int ALL_ROOMS = 1;
    static final int REMOTE_JOIN = 2;
    static final int REMOTE_LEAVE = 3;
    static final int REMOTE_DISCONNECT = 4;
    static final int REMOTE_FETCH = 5;
    static final int SERVER_SIDE_EMIT = 6;
    static final int BROADCAST = 7;

    /** A request of this node waiting for the other nodes' answers. */
    private static final class Pending {
        final long expected;
        final List<Map<String, Object>> sockets;
        final Promise<List<Map<String, Object>>> done = Promise.promise();
        long answers = 1; // this node's own answer
        long timer;

        Pending(long expected, List<Map<String, Object>> local) {
            this.expected = expected;
            this.sockets = new ArrayList<>(local);
        }
    }

    private final RedisLink link;
    private final RedisAdapterCodec codec;
    private final AdapterHandler handler;
    private final MemoryAdapter local;
    private final Vertx vertx;
    private final String uid = randomId(6);
    private final String nsp;
    private final String channel;          // P#N#
    private final String requestChannel;   // P-request#N#
    private final String responseChannel;  // P-response#N#
    private final String ownResponseChannel; // P-response#N#UID#
    private final Map<String, Pending> pending = new HashMap<>();

    public RedisAdapter(Vertx vertx, RedisLink link, RedisAdapterCodec codec, AdapterHandler handler, MemoryAdapter local) {
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
        link.psubscribe(channel + "*", (ch, bytes) -> handler.execute(() -> onBroadcast(ch, bytes)));
        link.subscribe(requestChannel, bytes -> handler.execute(() -> onRequest(bytes)));
        link.subscribe(responseChannel, bytes -> handler.execute(() -> onResponse(bytes)));
        link.subscribe(ownResponseChannel, bytes -> handler.execute(() -> onResponse(bytes)));
    }

    /**
     * The adapter factory of a clustered Socket.IO server: each namespace gets a RedisAdapter over
     * {@code link}, its local state kept by a MemoryAdapter with the namespace's recovery window.
     */
    public static BiFunction<AdapterHandler, Long, Adapter> factory(Vertx vertx, RedisLink link, ObjectMapper mapper,
                                                                   int recoveryPackets) {
        RedisAdapterCodec codec = new RedisAdapterCodec(mapper);
        return (handler, recoveryMs) -> new RedisAdapter(vertx, link, codec, handler,
                new MemoryAdapter(handler, recoveryMs, recoveryPackets));
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
        if (!opts.local()) {
            Map<String, Object> flags = opts.volatile_() ? Map.of("volatile", true) : Map.of();
            byte[] message = codec.encodeBroadcast(new Broadcast(uid, nsp, packet.list(), opts.rooms(), opts.except(), flags));
            String to = opts.rooms().size() == 1 ? channel + opts.rooms().iterator().next() + "#" : channel;
            link.publish(to, message);
        }
        local.broadcast(packet, opts);
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
        local.broadcast(SocketPacket.event(nsp, b.data(), SocketPacket.NO_ID),
                new BroadcastOptions(b.rooms(), b.except(), b.flag("volatile"), true));
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
    public Future<List<Map<String, Object>>> fetchSockets(BroadcastOptions opts) {
        if (opts.local()) {
            return local.fetchSockets(opts);
        }
        Promise<List<Map<String, Object>>> result = Promise.promise();
        link.numsub(requestChannel).onComplete(ar -> handler.execute(() -> {
            if (ar.failed()) {
                result.fail("the other nodes cannot be asked (Redis: " + ar.cause().getMessage() + ")");
                return;
            }
            List<Map<String, Object>> mine = handler.describe(local.select(opts));
            long expected = ar.result();
            if (expected <= 1) {
                result.complete(mine);
                return;
            }
            if (pending.size() >= MAX_PENDING) {
                result.fail("too many cluster requests in flight on " + nsp);
                return;
            }
            String requestId = randomId(6);
            Pending p = new Pending(expected, mine);
            pending.put(requestId, p);
            p.timer = vertx.setTimer(link.config().requestsTimeout().toMillis(), t -> handler.execute(() -> {
                if (pending.remove(requestId) != null) {
                    p.done.tryFail("timeout reached while waiting for fetchSockets response");
                }
            }));
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("type", REMOTE_FETCH);
            request.put("uid", uid);
            request.put("requestId", requestId);
            request.put("opts", RedisAdapterCodec.opts(opts.rooms(), opts.except(), null));
            link.publish(requestChannel, codec.json(request));
            p.done.future().onComplete(result);
        }));
        return result.future();
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
                    if (!pending.containsKey(String.valueOf(requestId))) {
                        reply(requestId, Map.of("rooms", List.copyOf(local.rooms())));
                    }
                }
                case REMOTE_JOIN, REMOTE_LEAVE, REMOTE_DISCONNECT -> {
                    if (!own) {
                        apply((Integer) type, request);
                    }
                }
                case REMOTE_FETCH -> {
                    if (!pending.containsKey(String.valueOf(requestId))) {
                        reply(requestId, Map.of("sockets", handler.describe(local.select(options(request.get("opts"))))));
                    }
                }
                case SERVER_SIDE_EMIT, BROADCAST -> {
                    // Not offered by this node yet: it answers nothing, as a Node server without listeners.
                }
                default -> link.warn("a request of unknown type " + type + " on " + requestChannel + " was ignored");
            }
        } catch (ProtocolException | RuntimeException e) {
            link.warn("a request of type " + type + " on " + requestChannel + " was dropped: " + e.getMessage());
        }
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

    private void onResponse(byte[] bytes) {
        if (pending.isEmpty()) {
            return; // every node sees every reply on the shared channel: most are not for this one
        }
        Map<String, Object> response;
        try {
            response = codec.decodeMessage(bytes);
        } catch (ProtocolException e) {
            link.warn("a response on " + responseChannel + " was dropped: " + e.getMessage());
            return;
        }
        Pending p = pending.get(String.valueOf(response.get("requestId")));
        if (p == null) {
            return;
        }
        if (response.get("sockets") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && m.get("id") instanceof String) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> socket = (Map<String, Object>) m;
                    p.sockets.add(socket);
                }
            }
        }
        if (++p.answers >= p.expected) {
            pending.values().remove(p);
            vertx.cancelTimer(p.timer);
            p.done.tryComplete(p.sockets);
        }
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
        local.persistSession(state);
    }

    @Override
    public Future<SessionState> restoreSession(String pid, String offset) {
        return local.restoreSession(pid, offset);
    }

    @Override
    public List<List<Object>> keptAfter(String offset, Set<String> rooms) {
        return local.keptAfter(offset, rooms);
    }

    @Override
    public void dropSessions(Predicate<SessionState> which) {
        local.dropSessions(which);
    }

    @Override
    public void close() {
        link.punsubscribe(channel + "*");
        link.unsubscribe(requestChannel);
        link.unsubscribe(responseChannel);
        link.unsubscribe(ownResponseChannel);
        for (Pending p : pending.values()) {
            vertx.cancelTimer(p.timer);
            p.done.tryFail("the namespace " + nsp + " closed");
        }
        pending.clear();
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
