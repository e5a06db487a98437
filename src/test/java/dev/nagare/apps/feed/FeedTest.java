package dev.nagare.apps.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.SioClient;
import dev.nagare.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Feeds end to end: sources, the publish API, Socket.IO subscriptions with conflation, SSE, persistence. */
class FeedTest {
    static final String PASSWORD = "river stone lantern";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, PASSWORD,
            Setting.FEEDS, "[{\"name\":\"fast\",\"type\":\"market\",\"rate\":50,\"symbols\":[\"AAA\"]},"
                    + "{\"name\":\"lab\",\"type\":\"push\",\"persist\":true}]"));

    static Vertx vertx;
    static HttpServer source;
    static final AtomicReference<String> sourceBody = new AtomicReference<>("{\"current\":{\"temperature_2m\":12.5}}");
    static String adminToken;
    static String labToken;
    static String otherToken;

    @BeforeAll
    static void setUp() throws Exception {
        vertx = Vertx.vertx();
        source = vertx.createHttpServer().requestHandler(req -> req.response()
                .putHeader("Content-Type", "application/json").end(sourceBody.get())).listen(0, "127.0.0.1").await();
        var accounts = server.nagare().accounts();
        Account admin = accounts.find("admin").await().orElseThrow();
        Account sensor = accounts.create("sensor", "velvet thunder orchard", Role.USER).await(10, TimeUnit.SECONDS);
        var tokens = server.nagare().tokens();
        adminToken = tokens.create(admin, "t", Set.of(), Duration.ofHours(1)).await().secret();
        labToken = tokens.create(sensor, "lab", Set.of("publish:feed/lab"), Duration.ofHours(1)).await().secret();
        otherToken = tokens.create(sensor, "other", Set.of("publish:feed/elsewhere"), Duration.ofHours(1)).await().secret();
    }

    @AfterAll
    static void tearDown() {
        vertx.close().await();
    }

    private HttpResponse<String> post(String path, String token, String body) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void aSubscriberGetsHistoryThenConflatedSnapshotsAtItsMaximumRate() throws Exception {
        try (SioClient c = SioClient.connect(server, "/feeds", "watcher", Role.USER)) {
            JsonObject sub = c.ok("subscribe", new JsonObject().put("feed", "fast").put("maxRate", 5));
            assertThat(sub.getJsonObject("feed").getString("name")).isEqualTo("fast");
            assertThat(sub.getJsonObject("history").getJsonObject("series").fieldNames()).contains("AAA", "AAA.vol");
            List<JsonObject> got = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                got.add(c.next("sample"));
            }
            long elapsedMs = got.get(5).getLong("ts") - got.get(0).getLong("ts");
            // 50 samples/s arrive; 5 per second go out, each the newest of every key: seq jumps by ~10.
            assertThat(elapsedMs).isGreaterThanOrEqualTo(800);
            long jump = got.get(5).getLong("seq") - got.get(0).getLong("seq");
            assertThat(jump).isGreaterThanOrEqualTo(30);
            assertThat(got.get(5).getJsonObject("values").fieldNames()).containsExactly("AAA", "AAA.vol");
            JsonObject bad = c.request("subscribe", new JsonObject().put("feed", "fast").put("maxRate", 500));
            assertThat(bad.getString("error")).isEqualTo("invalid");
            assertThat(c.request("subscribe", new JsonObject().put("feed", "nope")).getString("error")).isEqualTo("not_found");
        }
    }

    @Test
    void aScopedTokenPublishesBatchesOverHttpAndOnlyToItsFeed() throws Exception {
        try (SioClient c = SioClient.connect(server, "/feeds", "watcher", Role.USER)) {
            c.ok("subscribe", new JsonObject().put("feed", "lab"));
            long now = System.currentTimeMillis();
            HttpResponse<String> ok = post("/api/feeds/lab", labToken, new JsonObject().put("samples", new JsonArray()
                    .add(new JsonObject().put("ts", now - 10).put("values", new JsonObject().put("volts", 3.2)))
                    .add(new JsonObject().put("ts", now).put("values", new JsonObject().put("volts", 3.3).put("ok", true))))
                    .encode());
            assertThat(ok.statusCode()).isEqualTo(202);
            assertThat(new JsonObject(ok.body()).getInteger("accepted")).isEqualTo(2);
            JsonObject seen = c.next("sample", s -> s.getJsonObject("values").containsKey("ok"));
            assertThat(seen.getJsonObject("values").getDouble("volts")).isEqualTo(3.3);
        }
        assertThat(post("/api/feeds/lab", otherToken, "{\"values\":{\"x\":1}}").statusCode()).isEqualTo(403);
        assertThat(post("/api/feeds/nowhere", labToken, "{\"values\":{\"x\":1}}").statusCode()).isEqualTo(404);
        HttpResponse<String> bad = post("/api/feeds/lab", labToken, "{\"values\":{\"x\":\"" + "y".repeat(65) + "\"}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(bad.body()).getString("message")).contains("string of at most 64 characters");
        assertThat(post("/api/feeds/lab", labToken, "{\"values\":{\"<script>\":1}}").statusCode()).isEqualTo(400);
        assertThat(post("/api/feeds/lab", labToken, "{\"ts\":1,\"values\":{\"x\":1}}").statusCode()).isEqualTo(400);
    }

    @Test
    void theSocketIoPublishEventNeedsTheRight() throws Exception {
        try (SioClient guest = SioClient.connect(server, "/feeds", "visitor", Role.GUEST);
                SioClient user = SioClient.connect(server, "/feeds", "writer", Role.USER)) {
            JsonObject sample = new JsonObject().put("feed", "lab").put("values", new JsonObject().put("amps", 1.5));
            assertThat(guest.request("publish", sample).getString("error")).isEqualTo("forbidden");
            assertThat(user.ok("publish", sample).getInteger("accepted")).isEqualTo(1);
        }
    }

    @Test
    void thePollerFetchesALocalJsonUrlAndPicksFieldsByPointer() throws Exception {
        String url = "http://127.0.0.1:" + source.actualPort() + "/weather.json";
        HttpResponse<String> created = post("/api/feeds", adminToken, new JsonObject().put("name", "weather")
                .put("type", "http").put("url", url).put("interval", 1)
                .put("fields", new JsonObject().put("temp", "/current/temperature_2m")).encode());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(post("/api/feeds", labToken, "{\"name\":\"x\",\"type\":\"push\"}").statusCode()).isEqualTo(403);
        try (SioClient c = SioClient.connect(server, "/feeds", "watcher", Role.USER)) {
            c.ok("subscribe", new JsonObject().put("feed", "weather"));
            assertThat(c.next("sample", s -> s.getJsonObject("values").containsKey("temp"))
                    .getJsonObject("values").getDouble("temp")).isEqualTo(12.5);
            sourceBody.set("{\"current\":{\"temperature_2m\":13.75}}");
            c.next("sample", s -> s.getJsonObject("values").getDouble("temp") == 13.75);
        }
    }

    @Test
    void feedSamplesAreAlsoServerSentEvents() throws Exception {
        try (var sse = new dev.nagare.sse.SseTestClient(server.baseUrl(), "/sse/feed:lab",
                Map.of("Authorization", "Bearer " + adminToken))) {
            post("/api/feeds/lab", labToken, "{\"values\":{\"marker\":\"sse\"}}");
            var e = sse.next();
            assertThat(e.event()).isEqualTo("sample");
            assertThat(new JsonObject(e.data()).getJsonObject("values").getString("marker")).isEqualTo("sse");
        }
    }

    @Test
    void theGuidesDataEventIsSentToEveryoneAsAMessage() throws Exception {
        try (SioClient a = SioClient.connect(server, "/", "writer", Role.USER);
                SioClient b = SioClient.connect(server, "/", "watcher", Role.USER)) {
            a.emit("data", new JsonObject().put("price", 101.5));
            assertThat(b.next("message").getDouble("price")).isEqualTo(101.5);
        }
    }

    @Test
    void aPersistentFeedAndAFeedAddedAtRunTimeSurviveARestart() throws Exception {
        assertThat(post("/api/feeds", adminToken, "{\"name\":\"runtime\",\"type\":\"push\"}").statusCode()).isEqualTo(201);
        long ts = System.currentTimeMillis();
        assertThat(post("/api/feeds/lab", labToken, new JsonObject().put("ts", ts)
                .put("values", new JsonObject().put("kept", 42)).encode()).statusCode()).isEqualTo(202);
        server.stop();
        server.startAgain();
        HttpResponse<String> history = server.send(HttpRequest.newBuilder(server.uri("/api/feeds/lab/history?seconds=600&points=600"))
                .header("Authorization", "Bearer " + adminToken).build());
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(history.body()).getJsonObject("series").getJsonArray("kept").getList()).contains(42.0);
        // The feed an admin added at run time is back too.
        HttpResponse<String> feeds = server.send(HttpRequest.newBuilder(server.uri("/api/feeds"))
                .header("Authorization", "Bearer " + adminToken).build());
        assertThat(feeds.body()).contains("\"name\":\"runtime\"");
    }
}
