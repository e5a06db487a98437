package dev.nagare.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /stream and /sse/{channel} read byte by byte, as EventSource would. */
class SseTest {
    static final long CHANNEL_BYTES = 32L << 20; // room for the 18 MB floods below (the default is 4 MB)
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.SSE_CHANNEL_BYTES, Long.toString(CHANNEL_BYTES)));

    static String token;
    static String guestToken;
    static String adminToken;

    @BeforeAll
    static void tokens() throws Exception {
        var accounts = server.nagare().accounts();
        Account user = accounts.create("reader", "velvet thunder orchard", Role.USER).await(10, TimeUnit.SECONDS);
        Account guest = accounts.create("onlooker", "velvet thunder orchard", Role.GUEST).await(10, TimeUnit.SECONDS);
        token = server.nagare().tokens().create(user, "t", Set.of(), Duration.ofHours(1)).await().secret();
        guestToken = server.nagare().tokens().create(guest, "t", Set.of(), Duration.ofHours(1)).await().secret();
        Account admin = accounts.find("admin").await().orElseThrow();
        adminToken = server.nagare().tokens().create(admin, "t", Set.of(), Duration.ofHours(1)).await().secret();
    }

    private SseTestClient open(String path, Map<String, String> headers) throws IOException {
        return new SseTestClient(server.baseUrl(), path, headers);
    }

    private SseTestClient open(String channel) throws IOException {
        return open("/sse/" + channel, Map.of("Authorization", "Bearer " + token));
    }

    private static List<Long> ids(List<SseTestClient.Event> events) {
        return events.stream().map(e -> Long.parseLong(e.id())).toList();
    }

    @Test
    void theGuidesStreamSendsZeroToNineOneSecondApart() throws IOException {
        try (SseTestClient c = open("/stream", Map.of())) {
            assertThat(c.status).isEqualTo(200);
            assertThat(c.headers.get("content-type")).isEqualTo("text/event-stream; charset=utf-8");
            long t0 = System.nanoTime();
            assertThat(c.next().data()).isEqualTo("0");
            assertThat(c.next().data()).isEqualTo("1");
            assertThat(c.next().data()).isEqualTo("2");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        }
    }

    @Test
    void followingAChannelNeedsALoginOrAToken() throws IOException {
        try (SseTestClient c = open("/sse/news", Map.of())) {
            assertThat(c.status).isEqualTo(401);
        }
        try (SseTestClient c = open("/sse/Bad%20Name", Map.of("Authorization", "Bearer " + token))) {
            assertThat(c.status).isEqualTo(400);
        }
        try (SseTestClient c = open("news")) {
            assertThat(c.status).isEqualTo(200);
            assertThat(c.headers.get("cache-control")).isEqualTo("no-store");
        }
    }

    @Test
    void eventsCarryIdEventAndDataAndLineBreaksCannotInjectFields() throws IOException {
        try (SseTestClient c = open("inject")) {
            server.nagare().sse().publish("inject", "note", "line one\n\nevent: evil\r\nid: 1");
            SseTestClient.Event e = c.next();
            assertThat(e.event()).isEqualTo("note");
            assertThat(e.id()).matches("[0-9]+");
            assertThat(e.data()).isEqualTo("line one\n\nevent: evil\nid: 1");
        }
    }

    @Test
    void lastEventIdResumesWithContinuousIdsFromTheHeaderOrTheQuery() throws IOException {
        List<SseTestClient.Event> seen = new ArrayList<>();
        try (SseTestClient c = open("resume")) {
            for (int i = 0; i < 5; i++) {
                server.nagare().sse().publish("resume", "n", "e" + i);
            }
            for (int i = 0; i < 5; i++) {
                seen.add(c.next());
            }
        }
        List<Long> ids = ids(seen);
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).isEqualTo(ids.get(i - 1) + 1);
        }
        try (SseTestClient c = open("/sse/resume", Map.of("Authorization", "Bearer " + token, "Last-Event-ID", seen.get(1).id()))) {
            assertThat(List.of(c.next().data(), c.next().data(), c.next().data())).containsExactly("e2", "e3", "e4");
        }
        try (SseTestClient c = open("/sse/resume?lastEventId=" + seen.get(3).id(), Map.of("Authorization", "Bearer " + token))) {
            assertThat(c.next().data()).isEqualTo("e4");
        }
    }

    @Test
    void anIdOlderThanTheHistoryIsAnnouncedAsAGap() throws IOException {
        server.nagare().sse().publish("gappy", null, "kept");
        try (SseTestClient c = open("/sse/gappy", Map.of("Authorization", "Bearer " + token, "Last-Event-ID", "1"))) {
            SseTestClient.Event gap = c.next();
            assertThat(gap.event()).isEqualTo("gap");
            assertThat(gap.data()).startsWith("{\"after\":1,\"resumedAt\":");
            assertThat(c.next().data()).isEqualTo("kept");
        }
        try (SseTestClient c = open("/sse/gappy", Map.of("Authorization", "Bearer " + token, "Last-Event-ID", "soon"))) {
            assertThat(c.status).isEqualTo(400);
        }
    }

    @Test
    void aClientThatStopsReadingIsDroppedAndResumesWithoutAGap() throws Exception {
        String big = "x".repeat(60_000);
        List<Long> received = new ArrayList<>();
        int total = 300; // 18 MB: more than the kernel's socket buffers and the server's 256 KB queue
        try (SseTestClient slow = open("firehose")) {
            slow.socket.setReceiveBufferSize(64 * 1024);
            io.vertx.core.Future<Long> lastPublished = null;
            for (int i = 0; i < total; i++) {
                lastPublished = server.nagare().sse().publish("firehose", null, i + ":" + big);
            }
            lastPublished.await(30, java.util.concurrent.TimeUnit.SECONDS); // all sent while this client read nothing
            // Now read: what was buffered arrives, then the stream ends where the server dropped us.
            for (SseTestClient.Event e = slow.next(); e != null && received.size() < total; e = readOrNull(slow)) {
                received.add(Long.parseLong(e.id()));
            }
        }
        assertThat(received.size()).as("dropped before the end").isLessThan(total);
        long last = received.get(received.size() - 1);
        try (SseTestClient again = open("/sse/firehose", Map.of("Authorization", "Bearer " + token,
                "Last-Event-ID", Long.toString(last)))) {
            for (int i = received.size(); i < total; i++) {
                SseTestClient.Event e = again.next();
                assertThat(e.event()).as("no gap event").isNull();
                received.add(Long.parseLong(e.id()));
            }
        }
        for (int i = 1; i < received.size(); i++) {
            assertThat(received.get(i)).isEqualTo(received.get(i - 1) + 1);
        }
    }

    @Test
    void aReaderThatNeverReadsIsDroppedAndTheServerHoldsOnlyTheBoundedHistory() throws Exception {
        String big = "x".repeat(60_000);
        try (SseTestClient never = open("neverreads")) {
            never.socket.setReceiveBufferSize(16 * 1024);
            io.vertx.core.Future<Long> last = null;
            for (int i = 0; i < 300; i++) { // 18 MB: far more than socket buffers and the 256 KB queue
                last = server.nagare().sse().publish("neverreads", null, i + ":" + big);
            }
            last.await(30, TimeUnit.SECONDS);
            io.vertx.core.Promise<Map<String, Object>> state = io.vertx.core.Promise.promise();
            server.nagare().sse().onHome(() -> state.complete(server.nagare().sse().describe(n -> n.equals("neverreads"))));
            var channel = new io.vertx.core.json.JsonObject(state.future().await()).getJsonArray("channels").getJsonObject(0);
            assertThat(channel.getInteger("subscribers")).as("dropped, not buffered").isZero();
            assertThat(channel.getLong("retainedBytes")).isLessThanOrEqualTo(CHANNEL_BYTES);
        }
    }

    private static SseTestClient.Event readOrNull(SseTestClient c) {
        try {
            return c.next();
        } catch (IOException closed) {
            return null;
        }
    }

    @Test
    void publishingNeedsTheRightAndAJsonBody() {
        HttpRequest.Builder post = HttpRequest.newBuilder(server.uri("/api/sse/board")).header("Content-Type", "application/json");
        assertThat(server.send(post.copy().header("Authorization", "Bearer " + guestToken)
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"hi\"}")).build()).statusCode()).isEqualTo(403);
        // An ordinary user may follow channels but not publish to them unless granted (issue 15).
        var user = server.send(post.copy().header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"hi\"}")).build());
        assertThat(user.statusCode()).isEqualTo(403);
        assertThat(user.body()).contains("\"error\":\"forbidden\"", "publish:sse/board");
        assertThat(server.send(post.copy().header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.ofString("[1]")).build()).statusCode()).isEqualTo(400);
        assertThat(server.send(post.copy().header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"a b\",\"data\":1}")).build()).statusCode()).isEqualTo(400);
        var ok = server.send(post.copy().header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"note\",\"data\":{\"x\":1}}")).build());
        assertThat(ok.statusCode()).isEqualTo(202);
        assertThat(ok.body()).contains("\"channel\":\"board\"");
    }
}
