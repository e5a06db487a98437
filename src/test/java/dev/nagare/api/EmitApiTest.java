package dev.nagare.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.auth.WebClient;
import dev.nagare.testing.NodePeer;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Publishing over HTTP ({@code /api/v1/...}) to the official socket.io client: emits to rooms,
 * batches, acks gathered within a timeout, socket operations, Idempotency-Key, and the refusals
 * (rights, unknown namespace, reserved events, bad bodies).
 */
class EmitApiTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of());

    private static NodePeer inRoom;
    private static NodePeer outside;
    private static String emitter;
    private static String stranger;

    @BeforeAll
    static void listeners() throws Exception {
        server.nagare().io().of("/news").onConnection(s -> {
            String room = s.handshake().queryParam("room");
            if (room != null) {
                s.join(room);
            }
        });
        inRoom = NodePeer.start("listener.mjs", server.baseUrl() + "/news", "{\"room\":\"sport\"}");
        outside = NodePeer.start("listener.mjs", server.baseUrl() + "/news");
        inRoom.await(o -> o.containsKey("ready"));
        outside.await(o -> o.containsKey("ready"));
        emitter = token("newsroom", Role.USER, Set.of("emit:/news", "moderate:/news"), Set.of("emit:/news", "moderate:/news"));
        stranger = token("reader", Role.USER, Set.of(), Set.of());
    }

    @AfterAll
    static void close() throws Exception {
        inRoom.close();
        outside.close();
    }

    /** A token of a new account with {@code grants}, scoped to {@code scopes}. */
    private static String token(String user, Role role, Set<String> grants, Set<String> scopes) throws Exception {
        var accounts = server.nagare().accounts();
        Account a = accounts.create(user, "velvet thunder orchard", role).await(10, TimeUnit.SECONDS);
        for (String g : grants) {
            accounts.grant(user, g).await(10, TimeUnit.SECONDS);
        }
        return server.nagare().tokens().create(a, "emit-test", scopes, Duration.ofHours(1)).await(10, TimeUnit.SECONDS).secret();
    }

    private static HttpResponse<String> post(String path, String token, JsonObject body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + token;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return new WebClient(server.baseUrl()).postJson(path, body.encode(), all);
    }

    private static JsonObject event(NodePeer who, String name) throws InterruptedException {
        return who.await(o -> name.equals(o.getString("event")));
    }

    @Test
    void anEmitToARoomReachesItsMembersOnly() throws Exception {
        HttpResponse<String> r = post("/api/v1/emit", emitter, new JsonObject().put("namespace", "/news").put("event", "score")
                .put("args", new JsonArray().add(new JsonObject().put("home", 2)).add("final")).put("rooms", new JsonArray().add("sport")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(event(inRoom, "score").getJsonArray("args"))
                .isEqualTo(new JsonArray().add(new JsonObject().put("home", 2)).add("final"));
        post("/api/v1/emit", emitter, new JsonObject().put("namespace", "/news").put("event", "everyone"));
        event(outside, "everyone");
        assertThat(outside.lines()).noneMatch(o -> "score".equals(o.getString("event")));
    }

    @Test
    void aBatchEmitsEachInOrderAndAcksComeBackWithinTheTimeout() throws Exception {
        HttpResponse<String> batch = post("/api/v1/emit", emitter, new JsonObject().put("messages", new JsonArray()
                .add(new JsonObject().put("namespace", "/news").put("event", "b1"))
                .add(new JsonObject().put("namespace", "/news").put("event", "b2"))));
        assertThat(new JsonObject(batch.body()).getJsonArray("results")).hasSize(2);
        event(outside, "b2");
        int b1 = indexOf(outside, "b1");
        assertThat(b1).isLessThan(indexOf(outside, "b2"));

        HttpResponse<String> asked = post("/api/v1/emit", emitter, new JsonObject().put("namespace", "/news")
                .put("event", "ask").put("args", new JsonArray().add("ready?")).put("ackTimeoutMs", 5000));
        JsonObject answer = new JsonObject(asked.body());
        assertThat(answer.getBoolean("timedOut")).isFalse();
        assertThat(answer.getJsonArray("responses")).containsExactlyInAnyOrder(
                new JsonObject().put("heard", "ready?"), new JsonObject().put("heard", "ready?"));
    }

    private static int indexOf(NodePeer who, String event) {
        var lines = who.lines();
        for (int i = 0; i < lines.size(); i++) {
            if (event.equals(lines.get(i).getString("event"))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyDeliversOnce() throws Exception {
        JsonObject body = new JsonObject().put("namespace", "/news").put("event", "once").put("rooms", new JsonArray().add("sport"));
        assertThat(post("/api/v1/emit", emitter, body, "Idempotency-Key", "order-7781").statusCode()).isEqualTo(200);
        assertThat(post("/api/v1/emit", emitter, body, "Idempotency-Key", "order-7781").statusCode()).isEqualTo(200);
        post("/api/v1/emit", emitter, body.copy().put("event", "after-once"));
        event(inRoom, "after-once");
        assertThat(inRoom.lines().stream().filter(o -> "once".equals(o.getString("event")))).hasSize(1);
    }

    @Test
    void socketOperationsJoinFetchAndDisconnect() throws Exception {
        String id = outside.lines().get(0).getString("id");
        post("/api/v1/sockets/join", emitter, new JsonObject().put("namespace", "/news")
                .put("rooms", new JsonArray().add(id)).put("room", "weather"));
        JsonObject fetched = new JsonObject(post("/api/v1/sockets/fetch", emitter, new JsonObject().put("namespace", "/news")
                .put("rooms", new JsonArray().add("weather"))).body());
        assertThat(fetched.getJsonArray("sockets")).hasSize(1);
        assertThat(fetched.getJsonArray("sockets").getJsonObject(0).getString("id")).isEqualTo(id);
        assertThat(fetched.getJsonArray("sockets").getJsonObject(0).getJsonArray("rooms").getList()).contains("weather");
    }

    @Test
    void whatIsNotAllowedOrMalformedIsRefusedWithAReason() {
        JsonObject ok = new JsonObject().put("namespace", "/news").put("event", "x");
        HttpResponse<String> noRight = post("/api/v1/emit", stranger, ok);
        assertThat(noRight.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(noRight.body()).getString("message")).contains("emit:/news");
        assertThat(post("/api/v1/sockets/disconnect", stranger, new JsonObject().put("namespace", "/news")).statusCode())
                .isEqualTo(403);
        assertThat(post("/api/v1/emit", emitter, ok.copy().put("namespace", "/nowhere")).statusCode()).isIn(403, 404);
        assertThat(new JsonObject(post("/api/v1/emit", emitter, ok.copy().put("event", "connect")).body()).getString("message"))
                .contains("reserves");
        assertThat(post("/api/v1/emit", emitter, ok.copy().put("args", "not an array")).statusCode()).isEqualTo(400);
        assertThat(post("/api/v1/emit", emitter, ok.copy().put("ackTimeoutMs", 0)).statusCode()).isEqualTo(400);
        assertThat(post("/api/v1/emit", emitter, ok, "Idempotency-Key", "with space").statusCode()).isEqualTo(400);
        HttpResponse<String> noToken = new WebClient(server.baseUrl()).postJson("/api/v1/emit", ok.encode());
        assertThat(noToken.statusCode()).isEqualTo(401);
    }
}
