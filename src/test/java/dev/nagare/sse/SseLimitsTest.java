package dev.nagare.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.ConfigException;
import dev.nagare.server.ConfigResolver;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, items 2 and 3: what one ordinary account can make the SSE layer hold is bounded (bytes
 * per channel and in total, event size, publish rate, channel slots, age), and subscribing never
 * takes a channel slot.
 */
class SseLimitsTest {
    static final int CHANNEL_BYTES = 300_000;
    static final int TOTAL_BYTES = 1_000_000;
    static final int MAX_CHANNELS = 50;

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.SSE_CHANNEL_BYTES, Integer.toString(CHANNEL_BYTES),
            Setting.SSE_HISTORY_BYTES, Integer.toString(TOTAL_BYTES),
            Setting.SSE_MAX_EVENT, "65536",
            Setting.SSE_PUBLISH_RATE, "5",
            Setting.SSE_MAX_CHANNELS, Integer.toString(MAX_CHANNELS),
            Setting.SSE_WAITING_PER_USER, "3",
            Setting.SSE_HISTORY_SECONDS, "3"));

    static String admin;
    static String user;
    static String granted;
    static String scoped;

    @BeforeAll
    static void tokens() throws Exception {
        var accounts = server.nagare().accounts();
        var tokens = server.nagare().tokens();
        Account a = accounts.find("admin").await().orElseThrow();
        Account u = accounts.create("ordinary", "velvet thunder orchard", Role.USER).await(10, TimeUnit.SECONDS);
        Account g = accounts.create("newsdesk", "velvet thunder orchard", Role.USER).await(10, TimeUnit.SECONDS);
        accounts.grant("newsdesk", "publish:sse/news*").await(10, TimeUnit.SECONDS);
        admin = tokens.create(a, "t", Set.of(), Duration.ofHours(1)).await().secret();
        user = tokens.create(u, "t", Set.of(), Duration.ofHours(1)).await().secret();
        granted = tokens.create(g, "t", Set.of(), Duration.ofHours(1)).await().secret();
        scoped = tokens.create(u, "news only", Set.of("join:sse/news*"), Duration.ofHours(1)).await().secret();
    }

    private static HttpResponse<String> post(String channel, String token, String body) {
        return server.send(HttpRequest.newBuilder(server.uri("/api/sse/" + channel))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** GET /api/sse as the admin: every channel, and the totals. */
    private static JsonObject state() {
        HttpResponse<String> res = server.send(HttpRequest.newBuilder(server.uri("/api/sse"))
                .header("Authorization", "Bearer " + admin).build());
        assertThat(res.statusCode()).isEqualTo(200);
        return new JsonObject(res.body());
    }

    /** The same, read on the home context right after what was queued there before (no sweep between). */
    private static JsonObject stateNow() {
        Promise<Map<String, Object>> p = Promise.promise();
        server.nagare().sse().onHome(() -> p.complete(server.nagare().sse().describe(n -> true)));
        return new JsonObject(p.future().await());
    }

    private static JsonObject channel(JsonObject state, String name) {
        for (Object o : state.getJsonArray("channels")) {
            JsonObject c = o instanceof JsonObject j ? j : JsonObject.mapFrom(o);
            if (c.getString("name").equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static JsonObject awaitState(Predicate<JsonObject> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        JsonObject s = state();
        while (!condition.test(s)) {
            assertThat(System.nanoTime()).as("condition never held; last state " + s).isLessThan(deadline);
            Thread.sleep(100); // polling the API: the server announces nothing when it trims
            s = state();
        }
        return s;
    }

    private SseTestClient open(String path, String token) throws IOException {
        return new SseTestClient(server.baseUrl(), path, Map.of("Authorization", "Bearer " + token));
    }

    /** Channels from other tests expire (3 s without events or followers); these tests need the slots. */
    private static void awaitEmptyTable() throws InterruptedException {
        awaitState(s -> s.getInteger("count") == 0);
    }

    @Test
    void aFloodOfBigEventsKeepsEachChannelAndAllChannelsWithinTheirByteBudgets() throws Exception {
        awaitEmptyTable();
        String big = "x".repeat(60_000);
        Future<Long> last = null;
        for (int i = 0; i < 100; i++) {
            last = server.nagare().sse().publish("flood", null, i + ":" + big);
        }
        long lastId = last.await(30, TimeUnit.SECONDS);
        JsonObject flood = channel(stateNow(), "flood");
        assertThat(flood.getLong("retainedBytes")).isLessThanOrEqualTo(CHANNEL_BYTES).isGreaterThan(3 * 60_000L);
        assertThat(flood.getInteger("events")).isEqualTo(4);
        assertThat(flood.getLong("lastId")).isEqualTo(lastId);
        // Many channels at once: the total stays within its budget, and the oldest events go first.
        List<Future<Long>> lastPerChannel = new ArrayList<>();
        for (int c = 0; c < 30; c++) {
            Future<Long> f = null;
            for (int i = 0; i < 8; i++) {
                f = server.nagare().sse().publish("wide-" + c, null, i + ":" + big);
            }
            lastPerChannel.add(f);
        }
        Future.all(lastPerChannel).await(30, TimeUnit.SECONDS);
        JsonObject all = stateNow();
        assertThat(all.getLong("retainedBytes")).isLessThanOrEqualTo(TOTAL_BYTES).isGreaterThan(TOTAL_BYTES - 61_000L);
        long sum = 0;
        for (Object o : all.getJsonArray("channels")) {
            sum += (o instanceof JsonObject j ? j : JsonObject.mapFrom(o)).getLong("retainedBytes");
        }
        assertThat(sum).isEqualTo(all.getLong("retainedBytes"));
        JsonObject oldest = channel(all, "flood");
        assertThat(oldest == null ? 0 : oldest.getLong("retainedBytes")).as("the oldest channel's events went first").isZero();
        assertThat(channel(all, "wide-29").getInteger("events")).as("the newest are kept").isEqualTo(4);
        // A client resuming from an evicted event is told about the gap, then gets what is left.
        long wideLast = lastPerChannel.get(29).result();
        try (SseTestClient c = open("/sse/wide-29?lastEventId=" + (wideLast - 7), admin)) {
            SseTestClient.Event gap = c.next();
            assertThat(gap.event()).isEqualTo("gap");
            assertThat(new JsonObject(gap.data()).getLong("after")).isEqualTo(wideLast - 7);
            assertThat(new JsonObject(gap.data()).getLong("resumedAt")).isEqualTo(wideLast - 3);
            assertThat(c.next().data()).startsWith("4:");
        }
    }

    @Test
    void historyIsTrimmedByAgeWithoutFurtherPublishesAndIdleChannelsGo() throws Exception {
        try (SseTestClient c = open("/sse/aging", admin)) {
            assertThat(c.status).isEqualTo(200);
            assertThat(post("aging", admin, "{\"data\":\"soon old\"}").statusCode()).isEqualTo(202);
            assertThat(c.next().data()).isEqualTo("soon old");
            assertThat(channel(state(), "aging").getInteger("events")).isEqualTo(1);
            JsonObject trimmed = awaitState(s -> channel(s, "aging") != null && channel(s, "aging").getInteger("events") == 0);
            assertThat(channel(trimmed, "aging").getLong("retainedBytes")).isZero();
            assertThat(channel(trimmed, "aging").getInteger("subscribers")).as("followed: still there").isEqualTo(1);
        }
        awaitState(s -> channel(s, "aging") == null); // nobody follows it and its history expired: gone
    }

    @Test
    void subscribingToChannelsThatDoNotExistTakesNoSlotAndIsBoundedPerUser() throws Exception {
        int before = stateNow().getInteger("count");
        List<SseTestClient> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SseTestClient c = open("/sse/nobody-" + i, user);
                assertThat(c.status).isEqualTo(200);
                streams.add(c);
            }
            try (SseTestClient refused = open("/sse/nobody-3", user)) {
                assertThat(refused.status).isEqualTo(429);
            }
            JsonObject s = stateNow();
            assertThat(s.getInteger("count")).as("no channel was created").isLessThanOrEqualTo(before);
            assertThat(channel(s, "nobody-0")).isNull();
            assertThat(s.getInteger("waiting")).isGreaterThanOrEqualTo(3);
            // The first publish creates the channel and the waiting stream gets the event.
            assertThat(post("nobody-1", admin, "{\"event\":\"hello\",\"data\":\"first\"}").statusCode()).isEqualTo(202);
            SseTestClient.Event e = streams.get(1).next();
            assertThat(e.event()).isEqualTo("hello");
            assertThat(e.data()).isEqualTo("first");
        } finally {
            for (SseTestClient c : streams) {
                c.close();
            }
        }
        JsonObject after = awaitState(s -> s.getInteger("waiting") == 0);
        assertThat(channel(after, "nobody-0")).isNull();
        try (SseTestClient again = open("/sse/nobody-3", user)) {
            assertThat(again.status).as("the places were given back").isEqualTo(200);
        }
    }

    @Test
    void whenEveryChannelSlotIsTakenANewChannelIsRefusedClearlyUntilIdleOnesExpire() throws Exception {
        awaitEmptyTable();
        List<Future<Long>> made = new ArrayList<>();
        for (int i = 0; i < MAX_CHANNELS + 5; i++) {
            made.add(server.nagare().sse().publish("slot-" + i, null, "x"));
        }
        Future.join(made).await(10, TimeUnit.SECONDS);
        assertThat(made.stream().filter(f -> f.result() == -1L).count()).isEqualTo(5);
        HttpResponse<String> full = post("slot-new", admin, "{\"data\":1}");
        assertThat(full.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(full.body()).getString("message")).contains("maximum of " + MAX_CHANNELS + " SSE channels");
        // Nobody follows them: two seconds on, their history is gone and so are they.
        awaitState(s -> s.getInteger("count") < MAX_CHANNELS);
        assertThat(post("slot-new", admin, "{\"data\":1}").statusCode()).isEqualTo(202);
    }

    @Test
    void publishingIsForAdminsAndExplicitGrantsWithJsonReasonsFor403And413And429() throws Exception {
        HttpResponse<String> forbidden = post("news", user, "{\"data\":\"hi\"}");
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(forbidden.body()).getString("error")).isEqualTo("forbidden");
        assertThat(new JsonObject(forbidden.body()).getString("message")).contains("publish:sse/news");
        assertThat(post("news", granted, "{\"data\":\"hi\"}").statusCode()).isEqualTo(202);
        assertThat(post("sports", granted, "{\"data\":\"hi\"}").statusCode()).as("only what was granted").isEqualTo(403);

        HttpResponse<String> tooBig = post("news", granted, new JsonObject().put("data", "é".repeat(40_000)).encode());
        assertThat(tooBig.statusCode()).as("80,000 bytes of UTF-8").isEqualTo(413);
        assertThat(new JsonObject(tooBig.body()).getString("message")).contains("65536 bytes");

        HttpResponse<String> limited = null;
        for (int i = 0; i < 20 && (limited == null || limited.statusCode() != 429); i++) {
            limited = post("news", granted, "{\"data\":" + i + "}");
        }
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(new JsonObject(limited.body()).getString("message")).contains("at most 5 events per second");
    }

    @Test
    void settingsWhereOneLargestEventWouldNotFitAreRefusedAtStart() {
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.SSE_MAX_EVENT, "8192",
                Setting.SSE_CHANNEL_BYTES, "4096"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sse-channel-bytes");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.SSE_HISTORY_BYTES, "100000"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sse-history-bytes");
    }

    @Test
    void theChannelListShowsOnlyWhatTheCallerMayFollow() {
        server.nagare().sse().publish("newsroom", null, "x").await();
        server.nagare().sse().publish("private", null, "x").await();
        HttpResponse<String> res = server.send(HttpRequest.newBuilder(server.uri("/api/sse"))
                .header("Authorization", "Bearer " + scoped).build());
        List<String> names = new ArrayList<>();
        new JsonObject(res.body()).getJsonArray("channels").forEach(c -> names.add(((JsonObject) c).getString("name")));
        assertThat(names).contains("newsroom").allSatisfy(n -> assertThat(n).startsWith("news"));
    }
}
