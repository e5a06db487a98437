package dev.nagare.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.ConfigResolver;
import dev.nagare.server.Nagare;
import dev.nagare.server.Setting;
import dev.nagare.socketio.Namespace;
import dev.nagare.testing.NodePeer;
import dev.nagare.testing.RedisServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A Nagare node and a Node.js socket.io 4.8 server with the official {@code @socket.io/redis-adapter}
 * 8.3 in one cluster on a real redis-server, plus the official {@code @socket.io/redis-emitter} 5.1
 * publishing into it, each server with an official client in namespace /it: what either server or the
 * emitter sends reaches the other's clients, and requests (fetchSockets, socketsJoin, allRooms,
 * disconnectSockets) are answered across languages.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisInteropTest {
    private static RedisServer redis;
    private static Path dataDir;
    private static Nagare nagare;
    private static NodePeer peer;
    private static String nodeClient;
    private static String nagareClient;
    private static Namespace it;

    @BeforeAll
    static void cluster() throws Exception {
        redis = RedisServer.start();
        dataDir = Files.createTempDirectory("nagare-cluster");
        nagare = Nagare.create(ConfigResolver.resolve(Map.of(Setting.CLUSTER, redis.url(), Setting.APPS, "none"), Map.of())
                .withPort(0).withDataDir(dataDir)).start();
        it = nagare.io().of("/it");
        it.onConnection(s -> {
            String rooms = s.handshake().queryParam("rooms");
            if (rooms != null) {
                s.join(rooms.split(","));
            }
            s.data().put("name", s.handshake().queryParam("name"));
        });
        peer = NodePeer.start("cluster-peer.mjs", redis.url(), nagare.baseUrl());
        JsonObject ready = peer.await(o -> o.containsKey("ready"), Duration.ofSeconds(30));
        nodeClient = ready.getString("node");
        nagareClient = ready.getString("nagare");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (peer != null) {
                peer.close();
            }
        } finally {
            try {
                if (nagare != null) {
                    nagare.stop();
                }
            } finally {
                if (redis != null) {
                    redis.close();
                }
            }
        }
    }

    private static JsonObject seen(String client, String event) throws InterruptedException {
        return peer.await(o -> client.equals(o.getString("client")) && event.equals(o.getString("event")));
    }

    private static boolean saw(String client, String event) {
        return peer.lines().stream().anyMatch(o -> client.equals(o.getString("client")) && event.equals(o.getString("event")));
    }

    private static JsonObject call(String op, Object... keyValues) throws Exception {
        JsonObject c = new JsonObject().put("op", op);
        for (int i = 0; i < keyValues.length; i += 2) {
            c.put((String) keyValues[i], keyValues[i + 1]);
        }
        return peer.call(c);
    }

    @Test
    @Order(1)
    void eachServerSubscribesOnceToTheNamespacesRequestChannel() throws Exception {
        JsonArray numsub = call("numsub", "channels", new JsonArray().add("socket.io-request#/it#"))
                .getJsonArray("numsub");
        assertThat(numsub.getValue(1).toString()).isEqualTo("2"); // the Node server and the Nagare node
    }

    @Test
    @Order(2)
    void aNodeBroadcastReachesTheNagareClientWithEveryKindOfValue() throws Exception {
        JsonArray args = new JsonArray().add("x").add(new JsonObject().put("f", 1.5).put("u", "日本語").put("big", 9007199254740991L)
                .put("nested", new JsonObject().put("list", new JsonArray().add(1).add((Object) null))))
                .add(new JsonObject().put("$bin", "00ff10")).add(new JsonObject().put("$date", 0));
        call("emit", "event", "fromNode", "args", args);
        JsonArray got = seen("nagare", "fromNode").getJsonArray("args");
        assertThat(got.getString(0)).isEqualTo("x");
        assertThat(got.getJsonObject(1)).isEqualTo(args.getJsonObject(1));
        assertThat(got.getJsonObject(2).getString("$bin")).isEqualTo("00ff10"); // a real binary attachment
        assertThat(got.getString(3)).isEqualTo("1970-01-01T00:00:00.000Z");    // as a Node server sends a Date
        assertThat(seen("node", "fromNode").getJsonArray("args").getJsonObject(1)).isEqualTo(args.getJsonObject(1));
    }

    @Test
    @Order(3)
    void aNagareBroadcastReachesTheNodeClient() throws Exception {
        it.emit("fromNagare", "y", Map.of("k", List.of(1, 2), "d", 0.25), new byte[] {3, 4});
        JsonArray got = seen("node", "fromNagare").getJsonArray("args");
        assertThat(got.getString(0)).isEqualTo("y");
        assertThat(got.getJsonObject(1)).isEqualTo(new JsonObject().put("k", new JsonArray().add(1).add(2)).put("d", 0.25));
        assertThat(got.getJsonObject(2).getString("$bin")).isEqualTo("0304");
        seen("nagare", "fromNagare");
    }

    @Test
    @Order(4)
    void roomsAndExceptSelectTheSameSocketsOnBothSides() throws Exception {
        it.to("r1").except(nodeClient).emit("notForNode");
        call("emit", "event", "notForNagare", "rooms", new JsonArray().add("r1"), "except", new JsonArray().add(nagareClient));
        call("emit", "event", "toNagareById", "rooms", new JsonArray().add(nagareClient));
        // Then one to everyone from each side: when both arrived, the earlier ones had (one Redis, in order).
        it.emit("end4a");
        call("emit", "event", "end4b");
        for (String client : List.of("node", "nagare")) {
            seen(client, "end4a");
            seen(client, "end4b");
        }
        assertThat(saw("nagare", "notForNode")).isTrue();
        assertThat(saw("node", "notForNode")).isFalse();
        assertThat(saw("node", "notForNagare")).isTrue();
        assertThat(saw("nagare", "notForNagare")).isFalse();
        assertThat(saw("nagare", "toNagareById")).isTrue();
        assertThat(saw("node", "toNagareById")).isFalse();
    }

    @Test
    @Order(5)
    void theEmitterPublishesIntoNagareRoomsAndJoinsNagareSockets() throws Exception {
        call("emitter", "event", "fromEmitter", "rooms", new JsonArray().add("r1"), "args", new JsonArray().add(42));
        assertThat(seen("nagare", "fromEmitter").getJsonArray("args").getInteger(0)).isEqualTo(42);
        call("emitterJoin", "rooms", new JsonArray().add(nagareClient), "room", "fromEmitterRoom");
        // The join and this emit leave from different Redis connections: ask until the join is seen.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!call("fetch", "rooms", new JsonArray().add("fromEmitterRoom")).getJsonArray("sockets").encode().contains(nagareClient)) {
            assertThat(System.nanoTime()).as("the emitter's socketsJoin reached Nagare").isLessThan(deadline);
        }
        call("emitter", "event", "inEmitterRoom", "rooms", new JsonArray().add("fromEmitterRoom"));
        seen("nagare", "inEmitterRoom");
    }

    @Test
    @Order(6)
    void nodeFetchesNagareSocketsWithRoomsDataAndHandshakeButNoCredentials() throws Exception {
        JsonArray sockets = call("fetch").getJsonArray("sockets");
        JsonObject mine = sockets.stream().map(JsonObject.class::cast).filter(s -> nagareClient.equals(s.getString("id")))
                .findFirst().orElseThrow(() -> new AssertionError("Nagare's socket is missing from " + sockets));
        assertThat(mine.getJsonArray("rooms").getList()).contains(nagareClient, "r1");
        assertThat(mine.getJsonObject("data").getString("name")).isEqualTo("nagare-client");
        JsonObject handshake = mine.getJsonObject("handshake");
        assertThat(handshake.getString("address")).isNotBlank();
        assertThat(handshake.getString("time")).matches("\\w{3} \\w{3} \\d{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT[+-]\\d{4} \\(.+\\)");
        assertThat(handshake.getJsonObject("query").getString("name")).isEqualTo("nagare-client");
        assertThat(handshake.getJsonObject("headers").containsKey("cookie")).isFalse();
        assertThat(sockets.stream().map(o -> ((JsonObject) o).getString("id"))).contains(nodeClient);
    }

    @Test
    @Order(7)
    void nagareFetchesNodeSockets() throws Exception {
        List<Map<String, Object>> sockets = it.in("r1").fetchSockets().toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(sockets).extracting(s -> s.get("id")).containsExactlyInAnyOrder(nodeClient, nagareClient);
        Map<String, Object> node = sockets.stream().filter(s -> nodeClient.equals(s.get("id"))).findFirst().orElseThrow();
        assertThat(node.get("data")).isEqualTo(Map.of("name", "node-client"));
        assertThat(node.get("rooms")).asList().contains("r1");
    }

    @Test
    @Order(8)
    void nodeJoinsANagareSocketToARoomAndAsksForEveryRoom() throws Exception {
        call("join", "rooms", new JsonArray().add(nagareClient), "room", "r5");
        call("emit", "event", "inR5", "rooms", new JsonArray().add("r5")); // same connection as the join: after it
        seen("nagare", "inR5");
        assertThat(call("rooms").getJsonArray("rooms").getList()).contains("r5", "r1", nagareClient, nodeClient);
        call("leave", "rooms", new JsonArray().add(nagareClient), "room", "r5");
        call("emit", "event", "inR5again", "rooms", new JsonArray().add("r5"));
        call("emit", "event", "end8");
        seen("nagare", "end8");
        assertThat(saw("nagare", "inR5again")).isFalse();
    }

    @Test
    @Order(9)
    void broadcastsWithAckGatherEveryClientsAnswerAcrossBothServers() throws Exception {
        JsonObject fromNode = call("emitWithAck", "event", "ackme", "args", new JsonArray().add("n"));
        assertThat(fromNode.getJsonArray("responses")).containsExactlyInAnyOrder(
                new JsonObject().put("from", "node").put("arg", "n"), new JsonObject().put("from", "nagare").put("arg", "n"));
        List<Object> fromNagare = it.timeout(Duration.ofSeconds(3)).emitWithAck("ackme", "j")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(fromNagare).containsExactlyInAnyOrder(Map.of("from", "node", "arg", "j"), Map.of("from", "nagare", "arg", "j"));
    }

    @Test
    @Order(10)
    void serverSideEmitWorksBothWaysWithAcks() throws Exception {
        java.util.concurrent.CompletableFuture<List<Object>> heard = new java.util.concurrent.CompletableFuture<>();
        it.onServerSideEmit("fromNodeServer", (args, ack) -> {
            heard.complete(args);
            ack.send("nagare-answer");
        });
        JsonObject r = call("serverSideEmitWithAck", "event", "fromNodeServer", "args", new JsonArray().add("a").add(2));
        assertThat(heard.get(10, TimeUnit.SECONDS)).containsExactly("a", 2);
        assertThat(r.getJsonArray("responses")).containsExactly("nagare-answer");

        List<Object> answers = it.serverSideEmitWithAck(Duration.ofSeconds(3), "hello", "from-java")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(answers).containsExactly("node-answer");
        JsonObject onNode = peer.await(o -> "hello".equals(o.getString("serverSideEvent")));
        assertThat(onNode.getJsonArray("args")).containsExactly("from-java");
    }

    @Test
    @Order(11)
    void readinessReportsTheClusterAndALostRedisTurnsItDownUntilRedisIsBack() throws Exception {
        assertThat(ready().body()).contains("\"cluster\":\"UP\"");
        redis.stop();
        awaitReady(503, "\"cluster\":\"DOWN\"");
        redis.startProcess();
        awaitReady(200, "\"cluster\":\"UP\"");
        it.emit("afterRestart");
        seen("node", "afterRestart");
    }

    @Test
    @Order(12)
    void nodeDisconnectsANagareSocket() throws Exception {
        call("disconnect", "rooms", new JsonArray().add(nagareClient), "close", true);
        JsonObject gone = peer.await(o -> "nagare".equals(o.getString("client")) && o.containsKey("disconnected"));
        assertThat(gone.getString("disconnected")).isEqualTo("io server disconnect");
    }

    private static HttpResponse<String> ready() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(nagare.baseUrl() + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Readiness is polled, as a load balancer does: nothing else announces it. */
    private static void awaitReady(int status, String check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        HttpResponse<String> r = ready();
        while (r.statusCode() != status || !r.body().contains(check)) {
            assertThat(System.nanoTime()).as("readiness " + status + " " + check + "; last " + r.body()).isLessThan(deadline);
            Thread.sleep(100); // readiness is polled, as a load balancer does
            r = ready();
        }
    }
}
