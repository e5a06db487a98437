package dev.nagare.apps.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.sse.SseTestClient;
import dev.nagare.testing.SioClient;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, items 3, 7, 10 and 14 for feeds: future samples, heavy history requests, who sees which
 * feed, and the SSE stream of a feed added while users hold every channel slot.
 */
class FeedLimitsTest {
    static final int KEYS = 40;

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.FEEDS, "[{\"name\":\"alpha\",\"type\":\"push\"},{\"name\":\"beta\",\"type\":\"push\"},"
                    + "{\"name\":\"big\",\"type\":\"push\"}]",
            Setting.FEED_HISTORY_REQUESTS, "2",
            Setting.SSE_MAX_CHANNELS, "2"));

    static String admin;
    static String user;
    static String other;
    static String alphaOnly;

    @BeforeAll
    static void setUp() throws Exception {
        var accounts = server.nagare().accounts();
        var tokens = server.nagare().tokens();
        Account a = accounts.find("admin").await().orElseThrow();
        Account u = accounts.create("charts", "velvet thunder orchard", Role.USER).await(10, TimeUnit.SECONDS);
        Account o = accounts.create("bystander", "velvet thunder orchard", Role.USER).await(10, TimeUnit.SECONDS);
        admin = tokens.create(a, "t", Set.of(), Duration.ofHours(1)).await().secret();
        user = tokens.create(u, "t", Set.of(), Duration.ofHours(1)).await().secret();
        other = tokens.create(o, "t", Set.of(), Duration.ofHours(1)).await().secret();
        alphaOnly = tokens.create(u, "alpha", Set.of("join:feed/alpha", "join:feeds"), Duration.ofHours(1)).await().secret();
    }

    private static HttpResponse<String> post(String path, String token, String body) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static HttpRequest get(String path, String token) {
        return HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token).build();
    }

    private static JsonObject history(String feed) {
        HttpResponse<String> res = server.send(get("/api/feeds/" + feed + "/history?seconds=600&points=600", admin));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return new JsonObject(res.body());
    }

    private static JsonObject described(String feed) {
        HttpResponse<String> res = server.send(get("/api/feeds", admin));
        for (Object f : new JsonObject(res.body()).getJsonArray("feeds")) {
            if (((JsonObject) f).getString("name").equals(feed)) {
                return (JsonObject) f;
            }
        }
        throw new AssertionError("no feed " + feed + " in " + res.body());
    }

    @Test
    void aSampleDatedAheadOfTheClockIsRefusedWithAReasonAndLeavesHistoryAndLatestValuesAlone() {
        long now = System.currentTimeMillis();
        assertThat(post("/api/feeds/alpha", admin, new JsonObject().put("ts", now - 1000)
                .put("values", new JsonObject().put("v", 1)).encode()).statusCode()).isEqualTo(202);
        HttpResponse<String> future = post("/api/feeds/alpha", admin, new JsonObject().put("ts", now + 23 * 3_600_000L)
                .put("values", new JsonObject().put("v", 99)).encode());
        assertThat(future.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(future.body()).getString("error")).isEqualTo("bad_request");
        assertThat(new JsonObject(future.body()).getString("message")).contains("ahead of the server's clock", "5000 ms");
        assertThat(post("/api/feeds/alpha", admin, new JsonObject().put("values", new JsonObject().put("v", 2)).encode())
                .statusCode()).isEqualTo(202);
        assertThat(history("alpha").getJsonObject("series").getJsonArray("v").getList()).containsExactly(1.0, 2.0);
        assertThat(described("alpha").getLong("latestTs")).isLessThanOrEqualTo(System.currentTimeMillis());
    }

    @Test
    void aFutureSampleWithinTheSkewNeitherEvictsHistoryNorFreezesTheLatestValues() {
        // The rule inside the feed, whatever skew is configured: its clock decides, not the newest sample.
        long now = System.currentTimeMillis();
        Feed feed = new Feed(FeedSpec.parse(new JsonObject().put("name", "unit").put("type", "push")));
        for (int i = 0; i < 100; i++) {
            assertThat(feed.add(new FeedSample(now - 60_000 + i, Map.<String, Object>of("v", (double) i)), now)).isTrue();
        }
        feed.add(new FeedSample(now + 24 * 3_600_000L, Map.<String, Object>of("v", -1.0)), now);
        assertThat(feed.describe().getInteger("samples")).as("nothing evicted").isEqualTo(101);
        feed.add(new FeedSample(now + 1, Map.<String, Object>of("v", 7.0)), now + 1);
        assertThat(feed.snapshot().getJsonObject("values").getDouble("v")).as("not frozen by the future sample").isEqualTo(7.0);
    }

    @Test
    void theFeedListNeedsALoginAndShowsOnlyFeedsTheCallerMayJoin() throws Exception {
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/feeds")).build()).statusCode()).isEqualTo(401);
        HttpResponse<String> scoped = server.send(get("/api/feeds", alphaOnly));
        assertThat(scoped.statusCode()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        new JsonObject(scoped.body()).getJsonArray("feeds").forEach(f -> names.add(((JsonObject) f).getString("name")));
        assertThat(names).containsExactly("alpha");
        try (SioClient c = SioClient.connect(server, "/feeds", Map.of("token", alphaOnly))) {
            JsonArray feeds = c.ok("feeds", new JsonObject()).getJsonArray("feeds");
            assertThat(feeds.size()).isEqualTo(1);
            assertThat(feeds.getJsonObject(0).getString("name")).isEqualTo("alpha");
        }
        assertThat(server.send(get("/api/feeds/beta/history", alphaOnly)).statusCode()).isEqualTo(403);
        try (SseTestClient sse = new SseTestClient(server.baseUrl(), "/sse/feed:beta", Map.of("Authorization", "Bearer " + alphaOnly))) {
            assertThat(sse.status).isEqualTo(403);
        }
    }

    @Test
    void aFeedAddedWhileUsersHoldEveryChannelSlotGetsItsStreamWhichEndsWithTheFeed() throws Exception {
        // Feeds' channels take no slot: the two slots are free for users.
        assertThat(server.nagare().sse().publish("hog-1", null, "x").await()).isPositive();
        assertThat(server.nagare().sse().publish("hog-2", null, "x").await()).isPositive();
        assertThat(server.nagare().sse().publish("hog-3", null, "x").await()).as("the table is full").isEqualTo(-1L);
        assertThat(post("/api/feeds", admin, "{\"name\":\"late\",\"type\":\"push\"}").statusCode()).isEqualTo(201);
        try (SseTestClient sse = new SseTestClient(server.baseUrl(), "/sse/feed:late", Map.of("Authorization", "Bearer " + user))) {
            assertThat(sse.status).isEqualTo(200);
            assertThat(post("/api/feeds/late", admin, "{\"values\":{\"marker\":\"late\"}}").statusCode()).isEqualTo(202);
            SseTestClient.Event e = sse.next();
            assertThat(e.event()).isEqualTo("sample");
            assertThat(new JsonObject(e.data()).getJsonObject("values").getString("marker")).isEqualTo("late");
            assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/feeds/late")).header("Authorization", "Bearer " + admin)
                    .DELETE().build()).statusCode()).isEqualTo(204);
            assertThat(sse.next()).as("the stream ends with its feed").isNull();
        }
        try (SseTestClient gone = new SseTestClient(server.baseUrl(), "/sse/feed:late", Map.of("Authorization", "Bearer " + user))) {
            assertThat(gone.status).isEqualTo(404);
        }
    }

    @Test
    void heavyHistoryRequestsRunOffTheEventLoopAndAreBoundedPerUser() throws Exception {
        // 50,000 samples of 40 keys: downsampling them all takes tens of ms.
        for (int batch = 0; batch < 50; batch++) {
            JsonArray samples = new JsonArray();
            for (int i = 0; i < 1000; i++) {
                JsonObject values = new JsonObject();
                for (int k = 0; k < KEYS; k++) {
                    values.put("k" + k, batch * 1000 + i + k);
                }
                samples.add(new JsonObject().put("values", values));
            }
            HttpResponse<String> res = post("/api/feeds/big", admin, new JsonObject().put("samples", samples).encode());
            assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        }
        var http = server.http();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<HttpResponse<String>>> heavy = new ArrayList<>();
        CompletableFuture<Void> firstRefusal = new CompletableFuture<>();
        for (int i = 0; i < 6; i++) {
            heavy.add(http.sendAsync(get("/api/feeds/big/history?seconds=900&points=2000", user),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                        if (r != null && r.statusCode() == 429) {
                            firstRefusal.complete(null);
                        } else {
                            order.add("heavy " + (r == null ? e : r.statusCode()));
                        }
                    }));
        }
        // A refusal proves two are running; while they do, another user's request is answered at once.
        firstRefusal.get(30, TimeUnit.SECONDS);
        HttpResponse<String> cheap = http.send(get("/api/feeds", other), HttpResponse.BodyHandlers.ofString());
        order.add("cheap " + cheap.statusCode());
        CompletableFuture.allOf(heavy.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        List<HttpResponse<String>> answers = heavy.stream().map(CompletableFuture::join).toList();
        assertThat(answers).filteredOn(r -> r.statusCode() == 200).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(r -> assertThat(new JsonObject(r.body()).getJsonObject("series").size()).isEqualTo(KEYS));
        HttpResponse<String> refused = answers.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(new JsonObject(refused.body()).getString("message")).contains("history requests in progress");
        assertThat(List.copyOf(order).get(0)).as("answered while the heavy ones ran: %s", order).isEqualTo("cheap 200");
    }

    @Test
    void oneUserMayStartOnlySoManyHistoryRequestsASecond() {
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) { // the default allows 10 a second in bursts of 20
            answers.add(server.send(get("/api/feeds/alpha/history?seconds=60&points=10", other)));
        }
        assertThat(answers).filteredOn(r -> r.statusCode() == 200).hasSizeGreaterThanOrEqualTo(20);
        HttpResponse<String> refused = answers.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertThat(new JsonObject(refused.body()).getString("message")).contains("per second");
    }
}
