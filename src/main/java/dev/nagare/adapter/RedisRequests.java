package dev.nagare.adapter;

import dev.nagare.wire.ProtocolException;
import dev.nagare.wire.RedisAdapterCodec;
import dev.nagare.wire.SocketPacket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one namespace's {@link RedisAdapter} asks the other nodes and waits for: fetchSockets,
 * broadcasts with acks and serverSideEmitWithAck. How many answers to wait for is how many
 * subscribers the request channel has (PUBSUB NUMSUB, this node included, as Node counts); answers
 * come on the response channels, which every node reads, so most are dropped unread here. Each
 * request fails after its timeout with socket.io's own text ({@link ResponsesTimeout} holds the
 * answers that came). At most {@value #MAX_PENDING} in flight; more fail at once. Namespace thread only.
 */
final class RedisRequests {
    /** Requests this node may have in flight per namespace; more fail at once. */
    static final int MAX_PENDING = 10_000;

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

    /** A serverSideEmitWithAck of this node waiting for the other nodes' answers. */
    private static final class ServerSideRequest {
        final long expected;
        final List<Object> responses = new ArrayList<>();
        final Promise<List<Object>> done = Promise.promise();
        long timer;

        ServerSideRequest(long expected) {
            this.expected = expected;
        }
    }

    private final Vertx vertx;
    private final RedisLink link;
    private final RedisAdapterCodec codec;
    private final AdapterHandler handler;
    private final MemoryAdapter local;
    private final String uid;
    private final String nsp;
    private final String requestChannel;
    private final Map<String, Pending> pending = new HashMap<>();                      // fetchSockets
    private final Map<String, AckCollector> ackRequests = new HashMap<>();             // broadcasts with ack
    private final Map<String, ServerSideRequest> serverSideRequests = new HashMap<>(); // serverSideEmitWithAck

    RedisRequests(Vertx vertx, RedisLink link, RedisAdapterCodec codec, AdapterHandler handler, MemoryAdapter local,
                  String uid, String requestChannel) {
        this.vertx = vertx;
        this.link = link;
        this.codec = codec;
        this.handler = handler;
        this.local = local;
        this.uid = uid;
        this.nsp = handler.namespace();
        this.requestChannel = requestChannel;
    }

    /** Whether {@code requestId} is one of this node's own requests (seen again on the request channel). */
    boolean isOwn(Object requestId) {
        String id = String.valueOf(requestId);
        return pending.containsKey(id) || ackRequests.containsKey(id) || serverSideRequests.containsKey(id);
    }

    /** A broadcast with acks on every node (socket.io's type 7; the others answer with types 8 and 9). */
    Future<List<Object>> broadcastWithAck(SocketPacket packet, BroadcastOptions opts, long timeoutMs) {
        Promise<List<Object>> result = Promise.promise();
        link.numsub(requestChannel).onComplete(ar -> handler.execute(() -> {
            if (ar.failed()) {
                result.fail("the other nodes cannot be reached (Redis: " + ar.cause().getMessage() + ")");
                return;
            }
            if (tooBusy(result)) {
                return;
            }
            String requestId = RedisAdapter.randomId(6);
            AckCollector acks = new AckCollector(vertx, Math.max(1, ar.result()), timeoutMs, () -> ackRequests.remove(requestId));
            ackRequests.put(requestId, acks);
            if (ar.result() > 1) {
                Map<String, Object> wirePacket = new LinkedHashMap<>();
                wirePacket.put("type", 2);
                wirePacket.put("data", packet.list());
                wirePacket.put("nsp", nsp);
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("uid", uid);
                request.put("requestId", requestId);
                request.put("type", RedisAdapter.BROADCAST);
                request.put("packet", wirePacket);
                request.put("opts", RedisAdapterCodec.opts(opts.rooms(), opts.except(), Map.of("timeout", timeoutMs)));
                link.publish(requestChannel, codec.msgpack().encode(request));
            }
            acks.counted(handler.deliverWithAck(packet, local.select(opts), timeoutMs, acks::ack));
            acks.future().onComplete(result);
        }));
        return result.future();
    }

    /** serverSideEmit with each other node's answer (type 6 with a requestId). */
    Future<List<Object>> serverSideEmitWithAck(List<Object> eventAndArgs, long timeoutMs) {
        Promise<List<Object>> result = Promise.promise();
        link.numsub(requestChannel).onComplete(ar -> handler.execute(() -> {
            if (ar.failed()) {
                result.fail("the other nodes cannot be reached (Redis: " + ar.cause().getMessage() + ")");
                return;
            }
            long expected = ar.result() - 1;
            if (expected <= 0) {
                result.complete(List.of());
                return;
            }
            if (tooBusy(result)) {
                return;
            }
            String requestId = RedisAdapter.randomId(6);
            ServerSideRequest r = new ServerSideRequest(expected);
            serverSideRequests.put(requestId, r);
            r.timer = vertx.setTimer(Math.max(1, timeoutMs), t -> {
                if (serverSideRequests.remove(requestId) != null) {
                    r.done.tryFail(new ResponsesTimeout("timeout reached: only " + r.responses.size()
                            + " responses received out of " + r.expected, r.responses));
                }
            });
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("uid", uid);
            request.put("type", RedisAdapter.SERVER_SIDE_EMIT);
            request.put("data", eventAndArgs);
            request.put("requestId", requestId);
            link.publish(requestChannel, codec.json(request));
            r.done.future().onComplete(result);
        }));
        return result.future();
    }

    private boolean tooBusy(Promise<?> result) {
        if (pending.size() + ackRequests.size() + serverSideRequests.size() >= MAX_PENDING) {
            result.fail("too many cluster requests in flight on " + nsp);
            return true;
        }
        return false;
    }

    /** Every node's sockets that {@code opts} selects (type 5), this node's included. */
    Future<List<Map<String, Object>>> fetchSockets(BroadcastOptions opts) {
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
            if (tooBusy(result)) {
                return;
            }
            String requestId = RedisAdapter.randomId(6);
            Pending p = new Pending(expected, mine);
            pending.put(requestId, p);
            p.timer = vertx.setTimer(link.config().requestsTimeout().toMillis(), t -> handler.execute(() -> {
                if (pending.remove(requestId) != null) {
                    p.done.tryFail("timeout reached while waiting for fetchSockets response");
                }
            }));
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("type", RedisAdapter.REMOTE_FETCH);
            request.put("uid", uid);
            request.put("requestId", requestId);
            request.put("opts", RedisAdapterCodec.opts(opts.rooms(), opts.except(), null));
            link.publish(requestChannel, codec.json(request));
            p.done.future().onComplete(result);
        }));
        return result.future();
    }

    /** An answer on the response channels: most are for other nodes and dropped unread. */
    void onResponse(byte[] bytes) {
        if (pending.isEmpty() && ackRequests.isEmpty() && serverSideRequests.isEmpty()) {
            return; // every node sees every reply on the shared channel: most are not for this one
        }
        Map<String, Object> response;
        try {
            response = codec.decodeMessage(bytes);
        } catch (ProtocolException e) {
            link.warn("a response on " + requestChannel.replace("-request#", "-response#") + " was dropped: " + e.getMessage());
            return;
        }
        String id = String.valueOf(response.get("requestId"));
        Object type = response.get("type");
        AckCollector acks = ackRequests.get(id);
        if (acks != null) {
            if (Integer.valueOf(8).equals(type) && response.get("clientCount") instanceof Number n) {
                acks.counted(n.longValue());
            } else if (Integer.valueOf(9).equals(type)) {
                acks.ack(response.get("packet"));
            }
            return;
        }
        ServerSideRequest r = serverSideRequests.get(id);
        if (r != null) {
            r.responses.add(response.get("data"));
            if (r.responses.size() >= r.expected) {
                serverSideRequests.remove(id);
                vertx.cancelTimer(r.timer);
                r.done.tryComplete(java.util.Collections.unmodifiableList(new ArrayList<>(r.responses)));
            }
            return;
        }
        Pending p = pending.get(id);
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

    void close() {
        for (Pending p : pending.values()) {
            vertx.cancelTimer(p.timer);
            p.done.tryFail("the namespace " + nsp + " closed");
        }
        pending.clear();
        for (ServerSideRequest r : serverSideRequests.values()) {
            vertx.cancelTimer(r.timer);
            r.done.tryFail("the namespace " + nsp + " closed");
        }
        serverSideRequests.clear();
    }
}
