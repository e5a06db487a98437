package dev.nagare.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.RedisServer;
import dev.nagare.testing.SioClient;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two whole Nagare nodes (each with its own SQLite store, so each has its own accounts and tokens)
 * in one cluster on a real redis-server, read by real EventSource-like clients and the official
 * Socket.IO Java client: events published on one node reach both with the same id, Last-Event-ID
 * resumes on any node (also one started after the events), readers resume after a Redis restart,
 * and garbage in the stream is dropped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SseClusterTest {
    static final String FEEDS = "[{\"name\":\"meters\",\"type\":\"push\"}]";
    static RedisServer redis;
    static TestServer a;
    static TestServer b;
    static final Map<TestServer, String> tokens = new HashMap<>();

    @BeforeAll
    static void cluster() throws Exception {
        redis = RedisServer.start();
        a = node();
        b = node();
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestServer n : new TestServer[] {a, b}) {
            if (n != null) {
                n.afterAll(null);
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** A node of the cluster with the SSE and feed modules; its admin's token is kept in {@link #tokens}. */
    static TestServer node() throws Exception {
        return node(FEEDS);
    }

    static TestServer node(String feeds) throws Exception {
        TestServer n = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern", Setting.CLUSTER, redis.url(),
                Setting.APPS, "sse,feed", Setting.FEEDS, feeds));
        n.beforeAll(null);
        Account admin = n.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        tokens.put(n, n.nagare().tokens().create(admin, "t", Set.of(), Duration.ofHours(1)).await(10, TimeUnit.SECONDS).secret());
        return n;
    }

    static SseTestClient open(TestServer n, String channel, String lastEventId) throws IOException {
        Map<String, String> headers = new HashMap<>(Map.of("Authorization", "Bearer " + tokens.get(n)));
        if (lastEventId != null) {
            headers.put("Last-Event-ID", lastEventId);
        }
        SseTestClient c = new SseTestClient(n.baseUrl(), "/sse/" + channel, headers);
        assertThat(c.status).isEqualTo(200);
        return c;
    }

    static HttpResponse<String> post(TestServer n, String path, String body) {
        return n.send(HttpRequest.newBuilder(n.uri(path)).header("Authorization", "Bearer " + tokens.get(n))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Publishes on {@code n} through the HTTP API; returns the event's id. */
    static long publish(TestServer n, String channel, String data) {
        HttpResponse<String> r = post(n, "/api/sse/" + channel, new JsonObject().put("event", "note").put("data", data).encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return new JsonObject(r.body()).getLong("id");
    }

    /** The next event that is not a gap notice. */
    static SseTestClient.Event nextEvent(SseTestClient c) throws IOException {
        SseTestClient.Event e = c.next();
        while (e != null && "gap".equals(e.event())) {
            e = c.next();
        }
        return e;
    }

    @Test
    @Order(1)
    void anEventPublishedOnOneNodeReachesBothWithTheSameId() throws IOException {
        try (SseTestClient onA = open(a, "news", null); SseTestClient onB = open(b, "news", null)) {
            long id = publish(a, "news", "hello from a");
            SseTestClient.Event seenOnA = onA.next();
            SseTestClient.Event seenOnB = onB.next();
            assertThat(seenOnA).isEqualTo(new SseTestClient.Event("note", Long.toString(id), "hello from a"));
            assertThat(seenOnB).isEqualTo(seenOnA);
            long fromB = publish(b, "news", "and from b");
            assertThat(fromB).isGreaterThan(id);
            assertThat(onA.next()).isEqualTo(onB.next()).isEqualTo(new SseTestClient.Event("note", Long.toString(fromB),
                    "and from b"));
        }
    }

    @Test
    @Order(2)
    void lastEventIdResumesOnTheOtherNodeExactlyAfterThatEvent() throws IOException {
        List<SseTestClient.Event> seen = new ArrayList<>();
        try (SseTestClient onA = open(a, "resume", null)) {
            for (int i = 0; i < 5; i++) {
                publish(i % 2 == 0 ? a : b, "resume", "e" + i);
            }
            for (int i = 0; i < 5; i++) {
                seen.add(onA.next());
            }
        }
        assertThat(seen).extracting(SseTestClient.Event::data).containsExactly("e0", "e1", "e2", "e3", "e4");
        try (SseTestClient onB = open(b, "resume", seen.get(1).id())) {
            assertThat(List.of(onB.next(), onB.next(), onB.next())).containsExactlyElementsOf(seen.subList(2, 5));
            long id = publish(a, "resume", "e5");
            assertThat(onB.next()).isEqualTo(new SseTestClient.Event("note", Long.toString(id), "e5"));
        }
    }

    @Test
    @Order(3)
    void aNodeStartedAfterTheEventsResumesFromTheStream() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(publish(a, "late", "l" + i));
        }
        TestServer c = node();
        try (SseTestClient onC = open(c, "late", Long.toString(ids.get(0)))) {
            assertThat(List.of(onC.next(), onC.next(), onC.next())).containsExactly(
                    new SseTestClient.Event("note", Long.toString(ids.get(1)), "l1"),
                    new SseTestClient.Event("note", Long.toString(ids.get(2)), "l2"),
                    new SseTestClient.Event("note", Long.toString(ids.get(3)), "l3"));
            long id = publish(b, "late", "l4");
            assertThat(onC.next()).isEqualTo(new SseTestClient.Event("note", Long.toString(id), "l4"));
        } finally {
            c.afterAll(null);
        }
    }

    @Test
    @Order(4)
    void garbageInTheStreamIsDroppedAndTheNodesKeepServing() throws Exception {
        try (SseTestClient onB = open(b, "sturdy", null)) {
            String key = "socket.io:sse";
            redis.command("XADD", key, "*", "c", "Bad Name", "d", "x");
            redis.command("XADD", key, "*", "c", "sturdy", "e", "two\nlines", "d", "x");
            redis.command("XADD", key, "*", "c", "sturdy");
            redis.command("XADD", key, "*", "something", "else");
            redis.command("XADD", key, "*", "c", "sturdy", "d", "y".repeat((int) (SseConfig.defaults().channelHistoryBytes() + 1)));
            long id = publish(a, "sturdy", "still fine");
            assertThat(onB.next()).isEqualTo(new SseTestClient.Event("note", Long.toString(id), "still fine"));
        }
    }

    @Test
    @Order(5)
    void aFeedSampleAcceptedOnOneNodeIsSeenLiveOnTheOther() throws Exception {
        try (SioClient dashboard = SioClient.connect(b, "/feeds", "watcher", Role.USER);
                SseTestClient sse = open(b, "feed:meters", null)) {
            dashboard.ok("subscribe", new JsonObject().put("feed", "meters"));
            HttpResponse<String> r = post(a, "/api/feeds/meters", "{\"values\":{\"marker\":\"from-a\",\"kw\":4.5}}");
            assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
            JsonObject sample = dashboard.next("sample", s -> "from-a".equals(s.getJsonObject("values").getString("marker")));
            assertThat(sample.getJsonObject("values").getDouble("kw")).isEqualTo(4.5);
            SseTestClient.Event e = sse.next();
            assertThat(e.event()).isEqualTo("sample");
            assertThat(new JsonObject(e.data()).getJsonObject("values").getString("marker")).isEqualTo("from-a");
        }
    }

    /**
     * Issue 20: an administrator pauses a feed on the node that does not run its source; the node that
     * runs it hears of it through the cluster's log and stops it, until the feed is resumed (again on
     * the other node). Time passes by the samples of a feed that keeps running; a sample of the paused
     * feed is told by its id, which holds the log's time.
     */
    @Test
    @Order(6)
    void aFeedPausedOnTheNodeThatDoesNotRunItsSourceStopsItWhereItRuns() throws Exception {
        String pulse = "{\"name\":\"pulse\",\"type\":\"market\",\"rate\":20,\"symbols\":[\"PLS\"]}";
        String beat = "{\"name\":\"beat\",\"type\":\"market\",\"rate\":50,\"symbols\":[\"BT\"]}";
        for (TestServer n : new TestServer[] {a, b}) {
            assertThat(post(n, "/api/feeds", pulse).statusCode()).isEqualTo(201);
            assertThat(post(n, "/api/feeds", beat).statusCode()).isEqualTo(201);
        }
        try {
            TestServer runs;
            try (SseTestClient first = open(a, "feed:pulse", null)) {
                assertThat(first.next().event()).isEqualTo("sample"); // the node holding the lease runs it
                runs = status(a, "pulse").equals("running") ? a : b;
            }
            TestServer other = runs == a ? b : a;
            assertThat(status(runs, "pulse")).isEqualTo("running");
            assertThat(status(other, "pulse")).isEqualTo("runs on another node of the cluster");
            try (SseTestClient pulses = open(runs, "feed:pulse", null); SseTestClient beats = open(runs, "feed:beat", null)) {
                HttpResponse<String> paused = post(other, "/api/feeds/pulse/pause", "");
                assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
                SseTestClient.Event e = pulses.next();
                while ("sample".equals(e.event())) {
                    e = pulses.next();
                }
                assertThat(e.event()).isEqualTo("state");
                assertThat(new JsonObject(e.data()).getBoolean("paused")).isTrue();
                long pausedAt = System.currentTimeMillis();
                assertThat(status(runs, "pulse")).isEqualTo("paused");
                for (int i = 0; i < 30; i++) { // ~0.6 s
                    assertThat(beats.next().event()).isEqualTo("sample");
                }
                assertThat(post(other, "/api/feeds/pulse/resume", "").statusCode()).isEqualTo(200);
                e = pulses.next();
                // Only a sample the source made before it heard of the pause may come before the resumption.
                while ("sample".equals(e.event())) {
                    assertThat(Long.parseLong(e.id()) / SseBus.ID_SCALE).isLessThan(pausedAt + 200);
                    e = pulses.next();
                }
                assertThat(e.event()).isEqualTo("state");
                assertThat(new JsonObject(e.data()).getBoolean("paused")).isFalse();
                assertThat(pulses.next().event()).isEqualTo("sample");
                assertThat(status(runs, "pulse")).isEqualTo("running");
            }
        } finally {
            for (TestServer n : new TestServer[] {a, b}) {
                for (String feed : new String[] {"pulse", "beat"}) {
                    n.send(HttpRequest.newBuilder(n.uri("/api/feeds/" + feed)).header("Authorization", "Bearer " + tokens.get(n))
                            .DELETE().build());
                }
            }
        }
    }

    @Test
    @Order(7)
    void aSimulatedFeedRunsOnOneNodeAndAnotherTakesItOverWhenItStops() throws Exception {
        String ticks = "[{\"name\":\"ticks\",\"type\":\"market\",\"rate\":20,\"symbols\":[\"AAA\"]}]";
        TestServer c = node(ticks);
        TestServer d = null;
        try {
            d = node(ticks);
            try (SseTestClient onC = open(c, "feed:ticks", null); SseTestClient onD = open(d, "feed:ticks", null)) {
                // The holder runs: samples flow on both, the same ones. C's stream opened first, so it may
                // have a sample or two from before D's subscribed (20 a second): D's first is among C's next.
                var first = onD.next();
                var onCFirst = onC.next();
                for (int skipped = 0; skipped < 10 && Long.parseLong(onCFirst.id()) < Long.parseLong(first.id()); skipped++) {
                    onCFirst = onC.next();
                }
                assertThat(first).isEqualTo(onCFirst);
                assertThat(List.of(status(c, "ticks"), status(d, "ticks"))).containsOnlyOnce("runs on another node of the cluster");
                assertThat(status(c, "ticks")).isNotEqualTo("runs on another node of the cluster"); // the first to start holds it
                onC.close(); // else C's drain waits its shutdown timeout for this stream
                c.afterAll(null); // a stopping node gives its leases up
                c = null;
                String last = onD.next().id();
                long fresh = nextIdAfterWithin(onD, System.currentTimeMillis());
                assertThat(fresh).isGreaterThan(Long.parseLong(last));
                assertThat(status(d, "ticks")).isNotEqualTo("runs on another node of the cluster");
            }
        } finally {
            for (TestServer n : new TestServer[] {c, d}) {
                if (n != null) {
                    n.afterAll(null);
                }
            }
        }
    }

    /** The status line of a feed in {@code GET /api/feeds} on {@code n}. */
    static String status(TestServer n, String feed) {
        HttpResponse<String> r = n.send(HttpRequest.newBuilder(n.uri("/api/feeds"))
                .header("Authorization", "Bearer " + tokens.get(n)).GET().build());
        JsonObject body = new JsonObject(r.body());
        return body.getJsonArray("feeds").stream().map(o -> (JsonObject) o).filter(f -> feed.equals(f.getString("name")))
                .findFirst().orElseThrow().getString("status");
    }

    /** The id of the first event of {@code c} stamped (by the cluster's log) at or after {@code ms}. */
    static long nextIdAfterWithin(SseTestClient c, long ms) throws IOException {
        while (true) {
            long id = Long.parseLong(c.next().id());
            if (id / SseBus.ID_SCALE >= ms) {
                return id;
            }
        }
    }

    @Test
    @Order(8)
    void afterARedisRestartTheReadersResumeAndNewEventsReachEveryNode() throws Exception {
        try (SseTestClient onA = open(a, "restart", null); SseTestClient onB = open(b, "restart", null)) {
            long before = publish(a, "restart", "before");
            assertThat(onB.next().id()).isEqualTo(Long.toString(before));
            assertThat(onA.next().id()).isEqualTo(Long.toString(before));
            redis.stop();
            redis.startProcess();
            long after = publishOnceRedisIsBack(b, "restart", "after");
            // Redis came back empty: what was published while it was down may be lost, and followers are told.
            SseTestClient.Event gapOnA = onA.next();
            assertThat(gapOnA.event()).isEqualTo("gap");
            assertThat(gapOnA.data()).isEqualTo("{\"after\":" + before + ",\"resumedAt\":" + after + "}");
            assertThat(onB.next()).isEqualTo(gapOnA);
            SseTestClient.Event seenOnA = nextEvent(onA);
            SseTestClient.Event seenOnB = nextEvent(onB);
            assertThat(seenOnA).isEqualTo(new SseTestClient.Event("note", Long.toString(after), "after"));
            assertThat(seenOnB).isEqualTo(seenOnA);
            long next = publish(a, "restart", "and more");
            assertThat(onB.next()).isEqualTo(onA.next()).isEqualTo(new SseTestClient.Event("note", Long.toString(next), "and more"));
        }
    }

    /**
     * A client that got an event from a node that read it first may resume on one that has not read it
     * yet: it waits for what follows instead of being told of a gap and getting that event twice. The
     * entry is written with an explicit id only after the client connected, so this node has surely
     * not read it; dated 20 s ahead, it also makes every later id larger (last in this class).
     */
    @Test
    @Order(9)
    void aClientResumingWithAnIdThisNodeHasNotReadYetGetsWhatFollowsIt() throws Exception {
        publish(a, "ahead", "before");
        long t = System.currentTimeMillis() + 20_000;
        long seenElsewhere = t * SseBus.ID_SCALE;
        try (SseTestClient onB = open(b, "ahead", Long.toString(seenElsewhere))) {
            redis.command("XADD", "socket.io:sse", t + "-0", "c", "ahead", "e", "note", "d", "already seen");
            long id = publish(a, "ahead", "next");
            assertThat(id).isEqualTo(seenElsewhere + 1);
            assertThat(onB.next()).isEqualTo(new SseTestClient.Event("note", Long.toString(id), "next"));
        }
    }

    /**
     * Redis answers again, but the node's publishing connection learns that the old one is gone only
     * when it is used: the first publishes may be refused (503), never accepted and lost.
     */
    static long publishOnceRedisIsBack(TestServer n, String channel, String data) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            HttpResponse<String> r = post(n, "/api/sse/" + channel, new JsonObject().put("event", "note").put("data", data).encode());
            if (r.statusCode() == 202) {
                return new JsonObject(r.body()).getLong("id");
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(System.nanoTime()).as("publish accepted within 20 s of Redis's restart").isLessThan(deadline);
            Thread.sleep(100); // no signal to await: the node reconnects on the next publish
        }
    }
}
