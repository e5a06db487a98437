package dev.nagare.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nagare.testing.RedisServer;
import dev.nagare.wire.RedisAdapterCodec;
import dev.nagare.wire.SocketPacket;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes, each a {@link RedisAdapter} over its own {@link RedisLink}, on a real redis-server:
 * what one node does reaches the sockets of the other. (Interop with Node's own adapter and emitter
 * is {@code RedisInteropTest}.)
 */
class RedisAdapterTest {
    private static RedisServer redis;
    private static Vertx vertx;

    /** A node's view: what its adapter asked it to do, awaitable. */
    static final class Node implements AdapterHandler {
        final List<String> log = new ArrayList<>();
        final String name;
        final Set<String> silent = java.util.concurrent.ConcurrentHashMap.newKeySet(); // sockets that never ack

        Node(String name) {
            this.name = name;
        }

        /** Clients answer at once with "ack-<id>", but those in {@link #silent}. */
        @Override
        public synchronized int deliverWithAck(SocketPacket packet, java.util.Collection<String> ids, long timeoutMs,
                                               java.util.function.Consumer<Object> onAck) {
            ids.forEach(id -> log.add(id + ":" + packet.list().get(0) + "?"));
            ids.stream().filter(id -> !silent.contains(id)).forEach(id -> onAck.accept("ack-" + id));
            notifyAll();
            return ids.size();
        }

        /** Records the event and answers "from-<node>" when asked. */
        @Override
        public synchronized void serverSideEvent(List<Object> eventAndArgs, java.util.function.Consumer<Object> ack) {
            log.add("server-side:" + eventAndArgs);
            if (ack != null) {
                ack.accept("from-" + name);
            }
            notifyAll();
        }

        @Override
        public synchronized void deliver(SocketPacket packet, BroadcastOptions opts, java.util.Collection<String> ids) {
            ids.forEach(id -> log.add(id + ":" + packet.list().get(0)));
            notifyAll();
        }

        @Override
        public synchronized void join(java.util.Collection<String> ids, Set<String> rooms) {
            ids.forEach(id -> log.add(id + "+" + String.join(",", rooms)));
            notifyAll();
        }

        @Override
        public synchronized void leave(java.util.Collection<String> ids, Set<String> rooms) {
            ids.forEach(id -> log.add(id + "-" + String.join(",", rooms)));
            notifyAll();
        }

        @Override
        public synchronized void disconnect(java.util.Collection<String> ids, boolean close) {
            ids.forEach(id -> log.add(id + (close ? "!" : "~")));
            notifyAll();
        }

        @Override
        public List<Map<String, Object>> describe(java.util.Collection<String> ids) {
            return ids.stream().map(id -> Map.<String, Object>of("id", id)).toList();
        }

        @Override
        public String namespace() {
            return "/";
        }

        @Override
        public synchronized void execute(Runnable action) {
            action.run();
        }

        synchronized void await(String entry) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 10_000;
            while (!log.contains(entry)) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("never saw " + entry + "; saw " + log);
                }
                wait(left);
            }
        }

        synchronized List<String> log() {
            return List.copyOf(log);
        }
    }

    private RedisLink linkA;
    private RedisLink linkB;
    private Node nodeA;
    private Node nodeB;
    private RedisAdapter a;
    private RedisAdapter b;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static ClusterConfig config() {
        return new ClusterConfig(redis.url(), null, null, ClusterConfig.DEFAULT_KEY, Duration.ofMillis(1500));
    }

    @BeforeEach
    void twoNodes() throws Exception {
        linkA = new RedisLink(vertx, config());
        linkB = new RedisLink(vertx, config());
        nodeA = new Node("A");
        nodeB = new Node("B");
        RedisAdapterCodec codec = new RedisAdapterCodec(new ObjectMapper());
        a = new RedisAdapter(vertx, linkA, codec, nodeA, new MemoryAdapter(nodeA));
        b = new RedisAdapter(vertx, linkB, codec, nodeB, new MemoryAdapter(nodeB));
        get(linkA.start(10_000));
        get(linkB.start(10_000));
        a.addAll("a1", Set.of("a1", "red"));
        b.addAll("b1", Set.of("b1", "red"));
        b.addAll("b2", Set.of("b2", "blue"));
    }

    @AfterEach
    void close() throws Exception {
        a.close();
        b.close();
        get(linkA.close());
        get(linkB.close());
    }

    private static <T> T get(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    private static SocketPacket event(String name) {
        return SocketPacket.event("/", new ArrayList<>(List.of(name)), SocketPacket.NO_ID);
    }

    /** A last broadcast to everyone: once it arrived, everything published before it has too (one connection, in order). */
    private void flush(String marker) throws InterruptedException {
        a.broadcast(event(marker), BroadcastOptions.ALL);
        nodeB.await("b1:" + marker);
        nodeB.await("b2:" + marker);
    }

    @Test
    void aBroadcastReachesTheOtherNodesSocketsByRoomAndExcept() throws Exception {
        a.broadcast(event("x"), new BroadcastOptions(Set.of("red"), Set.of("blue"), false, false));
        a.broadcast(event("one-room"), new BroadcastOptions(Set.of("blue"), Set.of(), false, false));
        flush("end");
        assertThat(nodeB.log()).contains("b1:x", "b2:one-room").doesNotContain("b2:x", "b1:one-room");
        assertThat(nodeA.log()).contains("a1:x", "a1:end").doesNotContain("a1:one-room");
    }

    @Test
    void aLocalBroadcastStaysOnItsNode() throws Exception {
        a.broadcast(event("mine"), new BroadcastOptions(Set.of(), Set.of(), false, true));
        flush("end");
        assertThat(nodeA.log()).contains("a1:mine");
        assertThat(nodeB.log()).doesNotContain("b1:mine", "b2:mine");
    }

    @Test
    void socketsJoinLeaveAndDisconnectApplyOnEveryNode() throws Exception {
        a.addSockets(new BroadcastOptions(Set.of("red"), Set.of(), false, false), Set.of("green"));
        nodeB.await("b1+green");
        a.delSockets(new BroadcastOptions(Set.of("blue"), Set.of(), false, false), Set.of("blue"));
        nodeB.await("b2-blue");
        a.disconnectSockets(new BroadcastOptions(Set.of("b2"), Set.of(), false, false), true);
        nodeB.await("b2!");
        assertThat(nodeA.log().stream().filter("a1+green"::equals)).hasSize(1); // not again when Redis echoes it
    }

    @Test
    void broadcastsFromOneNodeArriveOnTheOtherInTheOrderTheyWereMade() throws Exception {
        for (int i = 0; i < 300; i++) {
            a.broadcast(event("n" + i), new BroadcastOptions(Set.of("b1"), Set.of(), false, false));
        }
        nodeB.await("b1:n299");
        List<String> got = nodeB.log().stream().filter(e -> e.startsWith("b1:n")).toList();
        assertThat(got).hasSize(300);
        for (int i = 0; i < 300; i++) {
            assertThat(got.get(i)).isEqualTo("b1:n" + i);
        }
    }

    @Test
    void aBroadcastWithAckGathersEveryClientsAnswerOnEveryNode() throws Exception {
        List<Object> answers = get(onLoop(() -> a.broadcastWithAck(event("q"), BroadcastOptions.ALL, 5000)));
        assertThat(answers).containsExactlyInAnyOrder("ack-a1", "ack-b1", "ack-b2");
        List<Object> red = get(onLoop(() -> b.broadcastWithAck(event("q2"),
                new BroadcastOptions(Set.of("red"), Set.of(), false, false), 5000)));
        assertThat(red).containsExactlyInAnyOrder("ack-a1", "ack-b1");
    }

    @Test
    void aBroadcastWithAckTimesOutWithTheAnswersThatCame() throws Exception {
        nodeB.silent.add("b2");
        assertThatThrownBy(() -> get(onLoop(() -> a.broadcastWithAck(event("q"), BroadcastOptions.ALL, 700))))
                .hasCauseInstanceOf(ResponsesTimeout.class).hasMessageContaining("operation has timed out")
                .satisfies(e -> assertThat(((ResponsesTimeout) e.getCause()).responses())
                        .containsExactlyInAnyOrder("ack-a1", "ack-b1"));
    }

    @Test
    void serverSideEmitReachesTheOtherNodesAndTheirAnswersComeBack() throws Exception {
        a.serverSideEmit(List.of("hello", 1));
        nodeB.await("server-side:[hello, 1]");
        assertThat(get(b.serverSideEmitWithAck(List.of("ping"), 3000))).containsExactly("from-A");
        assertThat(nodeB.log()).doesNotContain("server-side:[ping]"); // not to itself
    }

    /** broadcastWithAck's timers belong to an event loop, as on a real namespace's. */
    private static <T> io.vertx.core.Future<T> onLoop(java.util.function.Supplier<io.vertx.core.Future<T>> call) {
        io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> call.get().onComplete(p));
        return p.future();
    }

    @Test
    void fetchSocketsAsksEveryNode() throws Exception {
        List<Map<String, Object>> all = get(a.fetchSockets(new BroadcastOptions(Set.of(), Set.of(), false, false)));
        assertThat(all).extracting(m -> m.get("id")).containsExactlyInAnyOrder("a1", "b1", "b2");
        List<Map<String, Object>> red = get(b.fetchSockets(new BroadcastOptions(Set.of("red"), Set.of("b1"), false, false)));
        assertThat(red).extracting(m -> m.get("id")).containsExactly("a1");
        assertThat(get(a.sockets(Set.of("blue")))).containsExactly("b2");
    }

    @Test
    void fetchSocketsFailsAfterTheTimeoutWhenASubscriberNeverAnswers() throws Exception {
        RedisLink silent = new RedisLink(vertx, config());
        silent.subscribe("socket.io-request#/#", bytes -> { });
        get(silent.start(10_000));
        try {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> get(a.fetchSockets(BroadcastOptions.ALL)))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("timeout reached while waiting for fetchSockets response");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
        } finally {
            get(silent.close());
        }
    }

    @Test
    void garbageOnTheClusterChannelsIsDroppedAndTheNodeKeepsWorking() throws Exception {
        for (String channel : List.of("socket.io#/#", "socket.io#/#red#", "socket.io-request#/#", "socket.io-response#/#")) {
            redis.command("PUBLISH", channel, "not msgpack \u00ff");
            redis.command("PUBLISH", channel, "{\"type\":5,\"requestId\":[]}");
        }
        a.broadcast(event("after"), new BroadcastOptions(Set.of("red"), Set.of(), false, false));
        nodeB.await("b1:after");
        assertThat(get(a.fetchSockets(BroadcastOptions.ALL))).hasSize(3);
    }

    @Test
    void afterARedisRestartTheNodesSubscribeAgainAndBroadcastsFlow() throws Exception {
        CompletableFuture<Void> lost = new CompletableFuture<>();
        CompletableFuture<Void> back = new CompletableFuture<>();
        linkB.onState(up -> (up ? back : lost).complete(null));
        redis.stop();
        lost.get(15, TimeUnit.SECONDS);
        assertThat(linkB.subscribed()).isFalse();
        redis.startProcess();
        back.get(20, TimeUnit.SECONDS);
        awaitSubscribed(linkA);
        a.broadcast(event("again"), BroadcastOptions.ALL);
        nodeB.await("b2:again");
    }

    private static void awaitSubscribed(RedisLink link) throws Exception {
        CompletableFuture<Void> up = new CompletableFuture<>();
        link.onState(s -> {
            if (s) {
                up.complete(null);
            }
        });
        if (!link.subscribed()) {
            up.get(20, TimeUnit.SECONDS);
        }
    }
}
