package dev.nagare.apps.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.auth.WebClient;
import dev.nagare.server.Setting;
import dev.nagare.sse.SseTestClient;
import dev.nagare.testing.SioClient;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 20: an administrator pauses a feed (its source makes nothing, publishes are refused, followers
 * are told) and resumes it; the pause outlives a restart. "Nothing while paused" is judged against
 * {@code clock}, a feed that keeps ticking: its samples, awaited, are the time that passed.
 */
class FeedPauseTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.FEEDS, "[{\"name\":\"clock\",\"type\":\"market\",\"rate\":50,\"symbols\":[\"CLK\"]},"
                    + "{\"name\":\"ticker\",\"type\":\"market\",\"rate\":50,\"symbols\":[\"AAA\"]},"
                    + "{\"name\":\"kept\",\"type\":\"iot\",\"rate\":50,\"sensors\":1},"
                    + "{\"name\":\"lab\",\"type\":\"push\"}]"));

    static String admin;
    static String user;
    static String labWriter;

    @BeforeAll
    static void tokens() throws Exception {
        var accounts = server.nagare().accounts();
        var tokens = server.nagare().tokens();
        Account a = accounts.find("admin").await().orElseThrow();
        Account u = accounts.create("viewer", "velvet thunder orchard", Role.USER).await(10, TimeUnit.SECONDS);
        admin = tokens.create(a, "t", Set.of(), Duration.ofHours(1)).await().secret();
        user = tokens.create(u, "t", Set.of(), Duration.ofHours(1)).await().secret();
        labWriter = tokens.create(u, "lab", Set.of("publish:feed/lab"), Duration.ofHours(1)).await().secret();
    }

    private static HttpResponse<String> post(String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return server.send(b.build());
    }

    private static JsonObject pause(String feed, boolean paused) {
        HttpResponse<String> r = post("/api/feeds/" + feed + (paused ? "/pause" : "/resume"), admin, "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return new JsonObject(r.body());
    }

    /** The feed as {@code GET /api/feeds} lists it. */
    private static JsonObject listed(String feed) {
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/api/feeds"))
                .header("Authorization", "Bearer " + admin).build());
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonArray("feeds").stream().map(o -> (JsonObject) o)
                .filter(f -> feed.equals(f.getString("name"))).findFirst().orElseThrow();
    }

    /** Lets time pass, measured by the running feed {@code clock}: 30 of its samples, ~0.6 s at 50 a second. */
    private static void clockTicks(SioClient c) throws Exception {
        long from = c.next("sample", s -> s.getString("feed").equals("clock")).getLong("seq");
        c.next("sample", s -> s.getString("feed").equals("clock") && s.getLong("seq") >= from + 30);
    }

    @Test
    void aPausedSourceMakesNoSamplesAndMakesThemAgainOnceResumed() throws Exception {
        try (SioClient c = SioClient.connect(server, "/feeds", "watcher", Role.USER)) {
            c.ok("subscribe", new JsonObject().put("feed", "clock"));
            c.ok("subscribe", new JsonObject().put("feed", "ticker"));
            c.next("sample", s -> s.getString("feed").equals("ticker"));

            JsonObject paused = pause("ticker", true);
            assertThat(paused.getBoolean("paused")).isTrue();
            assertThat(paused.getString("status")).isEqualTo("paused");
            JsonObject state = c.next("state");
            assertThat(state.getMap()).containsEntry("feed", "ticker").containsEntry("paused", true)
                    .containsEntry("status", "paused");
            JsonObject before = listed("ticker");
            assertThat(before.getBoolean("paused")).isTrue();
            assertThat(before.getString("status")).isEqualTo("paused");
            clockTicks(c);
            JsonObject after = listed("ticker");
            assertThat(after.getLong("latestTs")).isEqualTo(before.getLong("latestTs"));
            assertThat(after.getInteger("samples")).isEqualTo(before.getInteger("samples"));
            // A subscriber who follows it now is told it is paused.
            assertThat(c.ok("subscribe", new JsonObject().put("feed", "ticker")).getJsonObject("feed").getBoolean("paused"))
                    .isTrue();

            assertThat(pause("ticker", true).getBoolean("paused")).as("pausing twice").isTrue();
            JsonObject resumed = pause("ticker", false);
            assertThat(resumed.getBoolean("paused")).isFalse();
            assertThat(resumed.getString("status")).isEqualTo("running");
            assertThat(c.next("state", s -> !s.getBoolean("paused")).getString("status")).isEqualTo("running");
            c.next("sample", s -> s.getString("feed").equals("ticker") && s.getLong("ts") > after.getLong("latestTs"));
            assertThat(listed("ticker").getInteger("samples")).isGreaterThan(after.getInteger("samples"));
        }
    }

    @Test
    void aPausedFeedRefusesPublishesWith409AndTellsItsSseFollowers() throws Exception {
        try (SseTestClient sse = new SseTestClient(server.baseUrl(), "/sse/feed:lab", Map.of("Authorization", "Bearer " + admin));
                SioClient writer = SioClient.connectScoped(server, "/feeds", "writer", Set.of("publish:feed/lab", "join:feed/lab"))) {
            assertThat(post("/api/feeds/lab", labWriter, "{\"values\":{\"v\":1}}").statusCode()).isEqualTo(202);
            assertThat(sse.next().event()).isEqualTo("sample");

            pause("lab", true);
            SseTestClient.Event state = sse.next();
            assertThat(state.event()).isEqualTo("state");
            assertThat(new JsonObject(state.data()).getBoolean("paused")).isTrue();
            HttpResponse<String> refused = post("/api/feeds/lab", labWriter, "{\"values\":{\"v\":2}}");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(new JsonObject(refused.body()).getString("message"))
                    .isEqualTo("Feed 'lab' is paused; it takes samples again once an administrator resumes it"
                            + " (POST /api/feeds/lab/resume).");
            JsonObject overSocket = writer.request("publish", new JsonObject().put("feed", "lab")
                    .put("values", new JsonObject().put("v", 3)));
            assertThat(overSocket.getString("error")).isEqualTo("paused");

            pause("lab", false);
            assertThat(new JsonObject(sse.next().data()).getBoolean("paused")).isFalse();
            assertThat(post("/api/feeds/lab", labWriter, "{\"values\":{\"v\":4}}").statusCode()).isEqualTo(202);
            SseTestClient.Event sample = sse.next();
            assertThat(sample.event()).isEqualTo("sample");
            assertThat(new JsonObject(sample.data()).getJsonObject("values").getDouble("v")).isEqualTo(4.0);
        }
    }

    @Test
    void anUnknownFeedIs404AndOnlyAnAdministratorMayPauseOrResume() {
        HttpResponse<String> missing = post("/api/feeds/nowhere/pause", admin, "");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(missing.body()).getString("message")).isEqualTo("No feed 'nowhere'.");
        assertThat(post("/api/feeds/nowhere/resume", admin, "").statusCode()).isEqualTo(404);
        for (String action : new String[] {"pause", "resume"}) {
            HttpResponse<String> forbidden = post("/api/feeds/lab/" + action, user, "");
            assertThat(forbidden.statusCode()).as(action).isEqualTo(403);
            assertThat(forbidden.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(post("/api/feeds/lab/" + action, null, "").statusCode()).as(action).isEqualTo(401);
            assertThat(post("/api/feeds/lab/" + action, labWriter, "").statusCode()).as(action).isEqualTo(403);
        }
        assertThat(listed("lab").getBoolean("paused")).isFalse();
    }

    @Test
    void aLoggedInAdministratorPausesOnlyWithTheSessionsCsrfToken() {
        WebClient browser = new WebClient(server.baseUrl());
        assertThat(browser.login("admin", "river stone lantern").statusCode()).isEqualTo(303);
        HttpResponse<String> forged = browser.postJson("/api/feeds/lab/pause", "");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(listed("lab").getBoolean("paused")).isFalse();
        String csrf = browser.sessionCsrf();
        assertThat(browser.postJson("/api/feeds/lab/pause", "", "X-CSRF-Token", csrf).statusCode()).isEqualTo(200);
        assertThat(listed("lab").getBoolean("paused")).isTrue();
        assertThat(browser.postJson("/api/feeds/lab/resume", "", "X-CSRF-Token", csrf).statusCode()).isEqualTo(200);
        assertThat(listed("lab").getBoolean("paused")).isFalse();
    }

    @Test
    void pausesAndResumptionsAreAudited() {
        pause("clock", true);
        pause("clock", false);
        post("/api/feeds/nowhere/pause", admin, "");
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/api/admin/audit"))
                .header("Authorization", "Bearer " + admin).build());
        JsonArray actions = new JsonObject(r.body()).getJsonArray("actions");
        // Newest first.
        assertThat(actions.getJsonObject(0).getMap()).containsEntry("admin", "admin").containsEntry("action", "pause feed")
                .containsEntry("target", "nowhere").containsEntry("ok", false);
        assertThat(actions.getJsonObject(1).getMap()).containsEntry("action", "resume feed").containsEntry("target", "clock")
                .containsEntry("ok", true).containsEntry("address", "127.0.0.1");
        assertThat(actions.getJsonObject(2).getMap()).containsEntry("action", "pause feed").containsEntry("target", "clock")
                .containsEntry("ok", true);
    }

    @Test
    void aPauseOutlivesARestart() throws Exception {
        pause("kept", true);
        server.stop();
        server.startAgain();
        JsonObject kept = listed("kept");
        assertThat(kept.getBoolean("paused")).isTrue();
        assertThat(kept.getString("status")).isEqualTo("paused");
        try (SioClient c = SioClient.connect(server, "/feeds", "watcher", Role.USER)) {
            c.ok("subscribe", new JsonObject().put("feed", "clock"));
            JsonObject sub = c.ok("subscribe", new JsonObject().put("feed", "kept"));
            assertThat(sub.getJsonObject("feed").getBoolean("paused")).isTrue();
            clockTicks(c);
            assertThat(listed("kept").getInteger("samples")).as("samples made since the restart").isZero();
            pause("kept", false);
            c.next("sample", s -> s.getString("feed").equals("kept"));
        }
        assertThat(listed("kept").getBoolean("paused")).isFalse();
    }
}
