package dev.nagare.engine;

import static dev.nagare.testing.ProtocolClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.nagare.testing.ProtocolClient;
import dev.nagare.testing.ProtocolClient.Closed;
import dev.nagare.testing.ProtocolClient.Response;
import dev.nagare.testing.ProtocolClient.Ws;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Engine.IO v4 on the wire, against the raw echo endpoint of the conformance fixture (pingInterval
 * 300, pingTimeout 200, maxPayload 1000000): the behaviours the official v4 test suite checks, with
 * the same byte-exact vectors, plus the reference server's error bodies.
 */
class EngineProtocolTest {
    private static final String P = "/engine.io/?EIO=4&transport=polling";
    private static final String WSU = "/engine.io/?EIO=4&transport=websocket";
    private static final char RS = '\u001e';

    // The reference server's error bodies (engine.io Server.errors).
    private static final String UNKNOWN_TRANSPORT = "{\"code\":0,\"message\":\"Transport unknown\"}";
    private static final String UNKNOWN_SID = "{\"code\":1,\"message\":\"Session ID unknown\"}";
    private static final String BAD_HANDSHAKE_METHOD = "{\"code\":2,\"message\":\"Bad handshake method\"}";
    private static final String BAD_REQUEST = "{\"code\":3,\"message\":\"Bad request\"}";
    private static final String UNSUPPORTED_PROTOCOL = "{\"code\":5,\"message\":\"Unsupported protocol version\"}";

    private static ProtocolClient client;

    @BeforeAll
    static void startFixture() {
        client = ProtocolClient.startFixture();
        // Warm up class loading and the JIT so that the timing-sensitive tests (upgrade before the
        // first ping, heartbeat bounds) do not pay for it.
        String sid = client.openPollingSession("/engine.io/");
        client.post(P + "&sid=" + sid, "1");
        try (Ws ws = client.openWebSocket(WSU)) {
            ws.send("4warm-up");
            ws.nextText();
            ws.nextText();
        }
    }

    @AfterAll
    static void stopFixture() {
        client.close();
    }

    private static String sidOf(String openPacket) {
        return new JsonObject(openPacket.substring(1)).getString("sid");
    }

    /** Sends a GET for {@code sid} and gives the server time to park it as the pending poll. */
    private static CompletableFuture<Response> parkedPoll(String sid) throws InterruptedException {
        for (int attempt = 0; attempt < 3; attempt++) {
            CompletableFuture<Response> poll = client.getAsync(P + "&sid=" + sid);
            // The client cannot observe the moment the server has parked the poll; 100 ms is ample on
            // loopback and well below the 300 ms ping interval.
            Thread.sleep(100);
            if (!poll.isDone()) {
                return poll;
            }
            // A stalled client let the ping come first; answer it and park another poll.
            assertThat(poll.join()).isEqualTo(new Response(200, "2"));
            assertThat(client.post(P + "&sid=" + sid, "3")).isEqualTo(new Response(200, "ok"));
        }
        return fail("could not park a poll before the next ping in 3 attempts");
    }

    /**
     * Polls {@code sid} and drops any ping ("2") from the payload: a client stalled past the 300 ms
     * ping interval would otherwise see it batched with the packets under test.
     */
    private static Response pollWithoutPings(String sid) {
        Response r = client.get(P + "&sid=" + sid);
        if (r.status() != 200) {
            return r;
        }
        List<String> packets = new ArrayList<>(List.of(r.body().split(String.valueOf(RS))));
        packets.removeIf("2"::equals);
        return new Response(200, String.join(String.valueOf(RS), packets));
    }

    private static Ws openedWebSocket() {
        Ws ws = client.openWebSocket(WSU);
        assertThat(ws.nextText()).startsWith("0{");
        return ws;
    }

    // ---- handshake ----

    @Test
    void handshakeOverPollingReturnsTheOpenPacketWithExactlyTheFiveKeys() {
        Response r = client.get(P);
        assertThat(r.status()).isEqualTo(200);
        String sid = sidOf(r.body());
        assertThat(sid).matches("[A-Za-z0-9_-]+");
        // "0" + {sid, upgrades ["websocket"], pingInterval 300, pingTimeout 200, maxPayload 1000000}, nothing else
        assertThat(r.body()).isEqualTo("0{\"sid\":\"" + sid + "\",\"upgrades\":[\"websocket\"],"
                + "\"pingInterval\":300,\"pingTimeout\":200,\"maxPayload\":1000000}");
        assertThat(new JsonObject(r.body().substring(1)).fieldNames())
                .containsExactlyInAnyOrder("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
    }

    @Test
    void handshakeOverWebSocketReturnsTheOpenPacketWithNoUpgrades() {
        try (Ws ws = client.openWebSocket(WSU)) {
            String open = ws.nextText();
            String sid = sidOf(open);
            // "0" + the five keys, with "upgrades":[] since the client is already on WebSocket
            assertThat(open).isEqualTo("0{\"sid\":\"" + sid + "\",\"upgrades\":[],"
                    + "\"pingInterval\":300,\"pingTimeout\":200,\"maxPayload\":1000000}");
            assertThat(new JsonObject(open.substring(1)).getJsonArray("upgrades")).isEqualTo(new JsonArray());
        }
    }

    static Stream<Arguments> refusedPollingRequests() {
        return Stream.of(
                // no EIO parameter -> 400 code 5
                arguments("GET", "/engine.io/?transport=polling", UNSUPPORTED_PROTOCOL),
                // EIO=abc -> 400 code 5
                arguments("GET", "/engine.io/?EIO=abc&transport=polling", UNSUPPORTED_PROTOCOL),
                // EIO=3 (not supported) -> 400 code 5
                arguments("GET", "/engine.io/?EIO=3&transport=polling", UNSUPPORTED_PROTOCOL),
                // no transport parameter -> 400 code 0
                arguments("GET", "/engine.io/?EIO=4", UNKNOWN_TRANSPORT),
                // transport=abc -> 400 code 0
                arguments("GET", "/engine.io/?EIO=4&transport=abc", UNKNOWN_TRANSPORT),
                // a POST cannot open a session -> 400 code 2
                arguments("POST", P, BAD_HANDSHAKE_METHOD),
                // a PUT cannot open a session -> 400 code 2
                arguments("PUT", P, BAD_HANDSHAKE_METHOD),
                // transport=websocket without an Upgrade header -> 400 code 3
                arguments("GET", WSU, BAD_REQUEST),
                // a GET for a sid that never existed -> 400 code 1
                arguments("GET", P + "&sid=nosuchsession", UNKNOWN_SID),
                // a POST for a sid that never existed -> 400 code 1
                arguments("POST", P + "&sid=nosuchsession", UNKNOWN_SID));
    }

    @ParameterizedTest(name = "{0} {1} -> 400 {2}")
    @MethodSource("refusedPollingRequests")
    void invalidHandshakesAndUnknownSidsAreRefusedWith400AndTheReferenceErrorBody(
            String method, String pathAndQuery, String body) {
        Response r = "GET".equals(method) ? client.get(pathAndQuery) : client.send(method, pathAndQuery, "");
        assertThat(r).isEqualTo(new Response(400, body));
    }

    static Stream<Arguments> refusedWebSocketUpgrades() {
        return Stream.of(
                // no EIO parameter -> refused, "Unsupported protocol version"
                arguments("/engine.io/?transport=websocket", "Unsupported protocol version"),
                // EIO=abc -> refused, "Unsupported protocol version"
                arguments("/engine.io/?EIO=abc&transport=websocket", "Unsupported protocol version"),
                // no transport parameter -> refused, "Transport unknown"
                arguments("/engine.io/?EIO=4", "Transport unknown"),
                // transport=abc -> refused, "Transport unknown"
                arguments("/engine.io/?EIO=4&transport=abc", "Transport unknown"),
                // an upgrade for a sid that never existed -> refused, "Session ID unknown"
                arguments(WSU + "&sid=nosuchsession", "Session ID unknown"));
    }

    @ParameterizedTest(name = "upgrade {0} -> refused")
    @MethodSource("refusedWebSocketUpgrades")
    void invalidWebSocketHandshakesAreRefused(String pathAndQuery, String message) {
        assertWebSocketRefused(pathAndQuery, message);
    }

    /**
     * The upgrade to {@code pathAndQuery} must not yield a usable WebSocket: either the HTTP upgrade
     * is answered 400 with a body naming {@code message} (Nagare answers with the JSON error body),
     * or the socket is closed before it carries anything (the protocol allows both).
     */
    private static void assertWebSocketRefused(String pathAndQuery, String message) {
        Object outcome = client.attemptWebSocket(pathAndQuery);
        if (outcome instanceof Ws accepted) {
            try (accepted) {
                assertThat(accepted.next()).as("first event on the accepted WebSocket").isInstanceOf(Closed.class);
            }
        } else {
            UpgradeRejectedException refusal = (UpgradeRejectedException) outcome;
            assertThat(refusal.getStatus()).isEqualTo(400);
            if (message != null) {
                assertThat(refusal.getBody().toString()).contains(message);
            }
        }
    }

    // ---- messages over long-polling ----

    @Test
    void aPostedTextPacketIsAcknowledgedWithOkAndEchoedOnTheNextPoll() {
        String sid = client.openPollingSession("/engine.io/");
        // POST "4hello" -> 200 "ok"
        assertThat(client.post(P + "&sid=" + sid, "4hello")).isEqualTo(new Response(200, "ok"));
        // GET -> 200 "4hello"
        assertThat(pollWithoutPings(sid)).isEqualTo(new Response(200, "4hello"));
    }

    @Test
    void severalPostedTextPacketsComeBackInOnePayloadJoinedByTheRecordSeparator() {
        String sid = client.openPollingSession("/engine.io/");
        // three MESSAGE packets separated by 0x1E
        String payload = "4test1" + RS + "4test2" + RS + "4test3";
        assertThat(client.post(P + "&sid=" + sid, payload)).isEqualTo(new Response(200, "ok"));
        assertThat(pollWithoutPings(sid)).isEqualTo(new Response(200, payload));
    }

    @Test
    void binaryPacketsTravelOverPollingAsBFollowedByStandardBase64() {
        String sid = client.openPollingSession("/engine.io/");
        // "4hello" then "b" + base64(01 02 03 04)
        String payload = "4hello" + RS + "bAQIDBA==";
        assertThat(client.post(P + "&sid=" + sid, payload)).isEqualTo(new Response(200, "ok"));
        assertThat(pollWithoutPings(sid)).isEqualTo(new Response(200, payload));
    }

    @Test
    void aPayloadWithAnInvalidPacketClosesTheSession() {
        String sid = client.openPollingSession("/engine.io/");
        // "abc": 'a' is no packet type. The spec leaves the POST's own answer open (the reference
        // says 200 "ok"); what matters is that the session is gone afterwards.
        Response post = client.post(P + "&sid=" + sid, "abc");
        assertThat(post.status()).isIn(200, 400);
        assertThat(client.get(P + "&sid=" + sid)).isEqualTo(new Response(400, UNKNOWN_SID));
    }

    @Test
    void aSecondConcurrentPollClosesTheSessionAndAnswersTheFirstWithAClosePacket() {
        String sid = client.openPollingSession("/engine.io/");
        CompletableFuture<Response> first = client.getAsync(P + "&sid=" + sid);
        // the unknown "t" parameter must be ignored
        CompletableFuture<Response> second = client.getAsync(P + "&sid=" + sid + "&t=burst");
        List<Response> answers = List.of(await(first), await(second));
        // whichever poll the server parked first gets 200 "1" (CLOSE); the other one is an error
        assertThat(answers).filteredOn(r -> r.status() == 200).containsExactly(new Response(200, "1"));
        assertThat(answers).filteredOn(r -> r.status() != 200).singleElement()
                .satisfies(r -> assertThat(r.status()).isIn(400, 500));
        assertThat(client.get(P + "&sid=" + sid)).isEqualTo(new Response(400, UNKNOWN_SID));
    }

    @Test
    void aCancelledPendingPollClosesTheSession() {
        String sid = client.openPollingSession("/engine.io/");
        client.sendGetAndAbort(P + "&sid=" + sid);
        // The next poll comes on another connection and may be read before the abort: then it is
        // an overlapping poll (400), which ends the session too. Either way the session is gone.
        assertThat(client.get(P + "&sid=" + sid).status()).isEqualTo(400);
        assertThat(client.get(P + "&sid=" + sid)).isEqualTo(new Response(400, UNKNOWN_SID));
    }

    @Test
    void aPostOfExactlyMaxPayloadBytesIsAccepted() {
        String sid = client.openPollingSession("/engine.io/");
        // "4" + 999999 x 'a' = 1000000 bytes, the limit itself
        String payload = "4" + "a".repeat(999_999);
        assertThat(client.post(P + "&sid=" + sid, payload)).isEqualTo(new Response(200, "ok"));
        Response echo = pollWithoutPings(sid);
        assertThat(echo.status()).isEqualTo(200);
        assertThat(echo.body().equals(payload)).as("the poll carries the same 1000000 bytes").isTrue();
    }

    @Test
    void aPostOverMaxPayloadIsRefusedWith413() {
        String sid = client.openPollingSession("/engine.io/");
        // "4" + 1000000 x 'a' = 1000001 bytes, one over maxPayload
        Response r = client.post(P + "&sid=" + sid, "4" + "a".repeat(1_000_000));
        assertThat(r.status()).isEqualTo(413);
    }

    // ---- messages over WebSocket ----

    @Test
    void aTextMessageOverWebSocketIsEchoedAsText() {
        try (Ws ws = openedWebSocket()) {
            // text frame "4hello" -> text frame "4hello"
            ws.send("4hello");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("4hello");
        }
    }

    @Test
    void aBinaryMessageOverWebSocketIsEchoedAsTheSameRawBytes() {
        try (Ws ws = openedWebSocket()) {
            // binary frame 01 02 03 04 (no type byte) -> binary frame 01 02 03 04
            ws.sendBinary((byte) 1, (byte) 2, (byte) 3, (byte) 4);
            assertThat(ws.nextBinarySkippingPings()).isEqualTo(new byte[] {1, 2, 3, 4});
        }
    }

    @Test
    void anInvalidPacketOverWebSocketClosesTheConnection() {
        try (Ws ws = openedWebSocket()) {
            // "abc": 'a' is no packet type
            ws.send("abc");
            // pings are answered, so only the invalid packet can be what ends the connection
            ws.nextCloseSkippingPings();
        }
    }

    @Test
    void aWebSocketMessageOfExactlyMaxPayloadIsEchoed() {
        try (Ws ws = openedWebSocket()) {
            // "4" + 999999 x 'a' = 1000000 characters, the limit itself
            String message = "4" + "a".repeat(999_999);
            ws.send(message);
            assertThat(ws.nextTextSkippingPings().equals(message)).as("the echo is the same 1000000 characters")
                    .isTrue();
        }
    }

    @Test
    void aWebSocketMessageOverMaxPayloadClosesTheConnectionWith1009() {
        try (Ws ws = openedWebSocket()) {
            // "4" + 1000000 x 'a' = 1000001 characters, one over maxPayload -> close 1009 (message too big)
            ws.send("4" + "a".repeat(1_000_000));
            assertThat(ws.nextCloseSkippingPings().code()).isEqualTo((short) 1009);
        }
    }

    @Test
    void aWebSocketTextMessageIsMeasuredInUtf8BytesAgainstMaxPayload() {
        try (Ws ws = openedWebSocket()) {
            // "4" + 500000 x U+00E9 = 500001 characters but 1000001 UTF-8 bytes, one over maxPayload
            ws.send("4" + "\u00e9".repeat(500_000));
            assertThat(ws.nextCloseSkippingPings().code()).isEqualTo((short) 1009);
        }
    }

    @Test
    void aPostIsMeasuredInUtf8BytesAgainstMaxPayload() {
        String sid = client.openPollingSession("/engine.io/");
        // "4" + 500000 x U+00E9 = 500001 characters but 1000001 UTF-8 bytes, one over maxPayload
        Response r = client.post(P + "&sid=" + sid, "4" + "\u00e9".repeat(500_000));
        assertThat(r.status()).isEqualTo(413);
    }

    // ---- heartbeat ----

    @Test
    void aPollingClientIsPingedEveryPingIntervalAndStaysOpenWhileItPongs() {
        ProtocolClient.retryWhileClientTooSlow(3, () -> {
            long lastPongSent = System.nanoTime();
            String sid = client.openPollingSession("/engine.io/");
            for (int i = 0; i < 3; i++) {
                Response ping = client.get(P + "&sid=" + sid);
                if (ping.status() == 400) {
                    return false; // the previous pong came too late and the session timed out
                }
                // GET -> 200 "2", the ping alone
                assertThat(ping).isEqualTo(new Response(200, "2"));
                assertThat(millisSince(lastPongSent)).as("ping %d comes a pingInterval after the last pong", i)
                        .isGreaterThanOrEqualTo(290);
                lastPongSent = System.nanoTime();
                // POST "3" (pong) -> 200 "ok"
                Response pong = client.post(P + "&sid=" + sid, "3");
                if (pong.status() == 400) {
                    return false;
                }
                assertThat(pong).isEqualTo(new Response(200, "ok"));
            }
            // still open: a message is echoed
            assertThat(client.post(P + "&sid=" + sid, "4alive")).isEqualTo(new Response(200, "ok"));
            assertThat(pollWithoutPings(sid)).isEqualTo(new Response(200, "4alive"));
            return true;
        });
    }

    @Test
    void aPollingSessionWhosePingIsNeverFetchedIsClosedPingTimeoutAfterThePingWasQueued()
            throws InterruptedException {
        long start = System.nanoTime();
        String sid = client.openPollingSession("/engine.io/");
        // No poll is pending at 300 ms, so the ping waits in the queue. Its pingTimeout runs from
        // then, not from a delivery that never happens: the session is gone at 500 ms. Look at 700 ms.
        Thread.sleep(Math.max(0, 700 - millisSince(start)));
        assertThat(client.get(P + "&sid=" + sid)).isEqualTo(new Response(400, UNKNOWN_SID));
    }

    @Test
    void aPendingPollIsReleasedWithCloseWhenThePingIsNotAnswered() {
        long start = System.nanoTime();
        String sid = client.openPollingSession("/engine.io/");
        // GET -> 200 "2" at 300 ms
        assertThat(client.get(P + "&sid=" + sid)).isEqualTo(new Response(200, "2"));
        // no pong: the next pending GET -> 200 "1" (CLOSE) at 300 + 200 ms
        assertThat(client.get(P + "&sid=" + sid)).isEqualTo(new Response(200, "1"));
        assertThat(millisSince(start)).as("not before pingInterval + pingTimeout").isBetween(490L, 2000L);
        assertThat(client.get(P + "&sid=" + sid)).isEqualTo(new Response(400, UNKNOWN_SID));
    }

    @Test
    void aWebSocketClientIsPingedEveryPingIntervalAndStaysOpenWhileItPongs() {
        ProtocolClient.retryWhileClientTooSlow(3, () -> {
            long lastPongSent = System.nanoTime();
            try (Ws ws = openedWebSocket()) {
                for (int i = 0; i < 3; i++) {
                    Object ping = ws.next();
                    if (ping instanceof Closed) {
                        return false; // the previous pong came too late and the session timed out
                    }
                    // text frame "2" (ping) -> answer "3" (pong)
                    assertThat(ping).isEqualTo("2");
                    assertThat(millisSince(lastPongSent)).as("ping %d comes a pingInterval after the last pong", i)
                            .isGreaterThanOrEqualTo(290);
                    lastPongSent = System.nanoTime();
                    ws.send("3");
                }
                ws.send("4alive");
                Object echo = ws.next();
                if (echo instanceof Closed) {
                    return false;
                }
                assertThat(echo).isEqualTo("4alive");
                return true;
            }
        });
    }

    @Test
    void aWebSocketIsClosedPingTimeoutAfterAnUnansweredPing() {
        long start = System.nanoTime();
        try (Ws ws = openedWebSocket()) {
            assertThat(ws.nextText()).isEqualTo("2");
            ws.nextClose();
            assertThat(millisSince(start)).isBetween(490L, 1500L);
        }
    }

    // ---- close ----

    @Test
    void aClosePacketPostedWhileAPollIsPendingAnswersThePollWithNoopAndEndsTheSession()
            throws InterruptedException {
        String sid = client.openPollingSession("/engine.io/");
        CompletableFuture<Response> poll = parkedPoll(sid);
        // POST "1" (close)
        client.post(P + "&sid=" + sid, "1");
        // the pending GET -> 200 "6" (noop), not "1"
        assertThat(await(poll)).isEqualTo(new Response(200, "6"));
        assertThat(client.get(P + "&sid=" + sid)).isEqualTo(new Response(400, UNKNOWN_SID));
    }

    @Test
    void aClosePacketOverWebSocketClosesTheConnection() {
        try (Ws ws = openedWebSocket()) {
            // text frame "1" (close)
            ws.send("1");
            ws.nextCloseSkippingPings();
        }
    }

    // ---- upgrade ----

    @Test
    void aPollingSessionUpgradesToWebSocketThroughProbeNoopAndUpgrade() {
        ProtocolClient.retryWhileClientTooSlow(3, () -> {
            String sid = client.openPollingSession("/engine.io/");
            try (Ws ws = client.openWebSocket(WSU + "&sid=" + sid)) {
                // "2probe" -> "3probe"
                ws.send("2probe");
                assertThat(ws.nextText()).isEqualTo("3probe");
                Response poll = client.get(P + "&sid=" + sid);
                if (poll.body().startsWith("2")) {
                    return false; // a stalled client let the first ping (300 ms) get queued first
                }
                // a poll during the upgrade -> 200 "6" (noop) alone
                assertThat(poll).isEqualTo(new Response(200, "6"));
                // "5" (upgrade), then the traffic goes over the WebSocket
                ws.send("5");
                ws.send("4hello");
                assertThat(ws.nextTextSkippingPings()).isEqualTo("4hello");
                return true;
            }
        });
    }

    @Test
    void messagesQueuedWhileTheUpgradeIsUnderWayAreDeliveredOverTheWebSocket() {
        String sid = client.openPollingSession("/engine.io/");
        try (Ws ws = client.openWebSocket(WSU + "&sid=" + sid)) {
            ws.send("2probe");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("3probe");
            // a message posted over polling mid-upgrade; no poll is pending, so its echo waits
            assertThat(client.post(P + "&sid=" + sid, "4during")).isEqualTo(new Response(200, "ok"));
            ws.send("5");
            // the waiting echo goes out over the new transport, before anything sent afterwards
            ws.send("4after");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("4during");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("4after");
        }
    }

    @Test
    void pollingRequestsForAnUpgradedSessionAreRefused() {
        String sid = client.openPollingSession("/engine.io/");
        try (Ws ws = upgrade(sid)) {
            // transport mismatch -> 400 code 3, for a GET and for a POST
            assertThat(client.get(P + "&sid=" + sid)).isEqualTo(new Response(400, BAD_REQUEST));
            assertThat(client.post(P + "&sid=" + sid, "4hello")).isEqualTo(new Response(400, BAD_REQUEST));
            ws.send("4still-here");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("4still-here");
        }
    }

    @Test
    void pollingRequestsForASessionOpenedOverWebSocketAreRefused() {
        try (Ws ws = client.openWebSocket(WSU).answeringPings()) {
            String sid = sidOf(ws.nextTextSkippingPings());
            // transport mismatch -> 400 code 3
            assertThat(client.get(P + "&sid=" + sid)).isEqualTo(new Response(400, BAD_REQUEST));
            ws.send("4still-here");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("4still-here");
        }
    }

    @Test
    void aSecondWebSocketForAnUpgradedSessionIsRefused() {
        String sid = client.openPollingSession("/engine.io/");
        try (Ws ws = upgrade(sid)) {
            assertWebSocketRefused(WSU + "&sid=" + sid, null);
            // the first WebSocket is unaffected
            ws.send("4hello");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("4hello");
        }
    }

    /**
     * Upgrades {@code sid} to a WebSocket and returns it once the upgrade has certainly been
     * processed (a message sent after "5" came back over the WebSocket).
     */
    private static Ws upgrade(String sid) {
        Ws ws = client.openWebSocket(WSU + "&sid=" + sid);
        ws.send("2probe");
        assertThat(ws.nextText()).isEqualTo("3probe");
        ws.send("5");
        ws.send("4upgraded");
        assertThat(ws.nextTextSkippingPings()).isEqualTo("4upgraded");
        // the caller holds it while it tries other requests: keep its heartbeat alive meanwhile
        return ws.answeringPings();
    }

    private static long millisSince(long nanoStart) {
        return Duration.ofNanos(System.nanoTime() - nanoStart).toMillis();
    }
}
