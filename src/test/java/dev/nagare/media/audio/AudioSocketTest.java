package dev.nagare.media.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.RawHandshake;
import dev.nagare.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The low-latency WebSocket path, lower rates on request, and publishing PCM over a WebSocket. */
class AudioSocketTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.ALLOWED_ORIGINS, "https://partner.example"));

    static Vertx vertx;
    static WebSocketClient client;
    static String adminToken;
    static String userToken;

    @BeforeAll
    static void setUp() throws Exception {
        vertx = Vertx.vertx();
        client = vertx.createWebSocketClient();
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        adminToken = server.nagare().tokens().create(admin, "t", Set.of(), Duration.ofHours(1)).await().secret();
        Account user = server.nagare().accounts().create("listener", "velvet thunder orchard", Role.USER).await();
        userToken = server.nagare().tokens().create(user, "t", Set.of(), Duration.ofHours(1)).await().secret();
    }

    @AfterAll
    static void tearDown() {
        vertx.close().await();
    }

    private WebSocketConnectOptions options(String path, String token) {
        URI base = URI.create(server.baseUrl());
        return new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort()).setURI(path)
                .addHeader("Authorization", "Bearer " + token);
    }

    @Test
    void theSocketSendsAHelloThenTimestampedTwentyMillisecondFramesAtTheAskedRate() throws Exception {
        LinkedBlockingQueue<Buffer> frames = new LinkedBlockingQueue<>();
        CompletableFuture<JsonObject> hello = new CompletableFuture<>();
        var ws = client.webSocket()
                .textMessageHandler(t -> hello.complete(new JsonObject(t)))
                .binaryMessageHandler(frames::add)
                .connect(options("/audio/default/ws?rate=16000", userToken)).await(10, TimeUnit.SECONDS);
        try {
            JsonObject h = hello.get(10, TimeUnit.SECONDS);
            assertThat(h.getInteger("sampleRate")).isEqualTo(16000);
            assertThat(h.getInteger("channels")).isEqualTo(1);
            ByteArrayOutputStream pcm = new ByteArrayOutputStream();
            for (int i = 0; i < 50; i++) { // one second
                Buffer f = frames.poll(10, TimeUnit.SECONDS);
                assertThat(f.length()).isBetween(8 + 638, 8 + 642); // 20 ms at 16 kHz, ±1 sample of resampling phase
                long captured = f.getLong(0);
                assertThat(System.currentTimeMillis() - captured).isBetween(0L, 5000L);
                pcm.writeBytes(f.getBytes(8, f.length()));
            }
            assertThat(PcmConverterTest.zeroCrossingsPerSecond(pcm.toByteArray(), 16000))
                    .isCloseTo(440, Percentage.withPercentage(1));
        } finally {
            ws.close();
        }
    }

    @Test
    void higherRatesThanTheSourceAreRefused() {
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/audio/default.wav?rate=96000"))
                .header("Authorization", "Bearer " + userToken).build());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("a stream is converted down, never up");
    }

    @Test
    void aBrowserLikePublisherBecomesAStreamThatListenersHearAndOnlyTheAuthorizedMayPublish() throws Exception {
        // A plain user may listen but not broadcast: the upgrade is refused with 403.
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() ->
                client.webSocket().connect(options("/audio/publish/voice", userToken)).await(10, TimeUnit.SECONDS));
        assertThat(refused).hasMessageContaining("403");

        var publisher = client.webSocket().connect(options("/audio/publish/voice", adminToken)).await(10, TimeUnit.SECONDS);
        LinkedBlockingQueue<Buffer> heard = new LinkedBlockingQueue<>();
        var listener = client.webSocket().binaryMessageHandler(heard::add).textMessageHandler(t -> { })
                .connect(options("/audio/voice/ws", userToken)).await(10, TimeUnit.SECONDS);
        byte[] tone = PcmConverterTest.tone(440, 48_000, 1, 1);
        long sent = 0;
        Buffer first = null;
        for (int i = 0; i < tone.length && first == null; i += 1920) {
            publisher.writeBinaryMessage(Buffer.buffer(java.util.Arrays.copyOfRange(tone, i, i + 1920))).await();
            sent++;
            first = heard.poll(20, TimeUnit.MILLISECONDS);
        }
        assertThat(first).as("a published frame reaches a listener").isNotNull();
        assertThat(first.length()).isEqualTo(8 + 1920);
        HttpResponse<String> list = server.send(HttpRequest.newBuilder(server.uri("/api/audio/streams"))
                .header("Authorization", "Bearer " + userToken).build());
        assertThat(list.body()).contains("\"name\":\"voice\"", "\"published\":true");
        listener.close();
        publisher.close().await();
        assertThat(sent).isPositive();
    }

    @Test
    void aStalledListenerDoesNotHoldUpTheOthersAndSkipsAheadWhenItReadsAgain() throws Exception {
        URI base = URI.create(server.baseUrl());
        try (java.net.Socket stalled = new java.net.Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
            stalled.getOutputStream().write(("GET /audio/default.wav HTTP/1.1\r\nHost: " + base.getAuthority()
                    + "\r\nAuthorization: Bearer " + userToken + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            // The stalled one reads nothing while another listener follows the same stream for 3 s.
            LinkedBlockingQueue<Buffer> frames = new LinkedBlockingQueue<>();
            var ws = client.webSocket().binaryMessageHandler(frames::add).textMessageHandler(t -> { })
                    .connect(options("/audio/default/ws", userToken)).await(10, TimeUnit.SECONDS);
            long previous = -1;
            long worstGap = 0;
            for (int i = 0; i < 150; i++) {
                Buffer f = frames.poll(5, TimeUnit.SECONDS);
                assertThat(f).as("frame %d for the listener that reads", i).isNotNull();
                long captured = f.getLong(0);
                if (previous > 0) {
                    worstGap = Math.max(worstGap, captured - previous);
                }
                previous = captured;
            }
            ws.close();
            assertThat(worstGap).as("ms between consecutive frames").isLessThan(200);
            // The stalled connection was skipped, not closed: it still plays when it reads again.
            stalled.setSoTimeout(5000);
            assertThat(stalled.getInputStream().readNBytes(4096)).hasSize(4096);
        }
    }

    @Test
    void aPageOnAnotherOriginCannotListenWithTheVisitorsCredentialsButThisSiteAndAllowedOriginsCan() throws Exception {
        String self = server.baseUrl();
        String otherPort = "http://127.0.0.1:" + (server.nagare().port() + 1); // same host, another port: another origin
        for (String foreign : new String[] {otherPort, "https://evil.example", "null"}) {
            RawHandshake.Answer refused = RawHandshake.upgrade(server, "/audio/default/ws", foreign, userToken);
            assertThat(refused.status()).as(foreign).isEqualTo(403);
            assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("forbidden");
            assertThat(new JsonObject(refused.body()).getString("message")).contains("this site's own pages");
        }
        // Publishing the microphone is refused the same way, before any rights are looked at.
        assertThat(RawHandshake.upgrade(server, "/audio/publish/hijack", otherPort, adminToken).status()).isEqualTo(403);
        assertThat(RawHandshake.upgrade(server, "/audio/default/ws", self, userToken).status()).isEqualTo(101);
        assertThat(RawHandshake.upgrade(server, "/audio/default/ws", "https://partner.example", userToken).status())
                .isEqualTo(101);
        assertThat(RawHandshake.upgrade(server, "/audio/default/ws", null, userToken).status()).as("not a browser")
                .isEqualTo(101);
        // The Vert.x client sends its own origin, and keeps working.
        CompletableFuture<JsonObject> hello = new CompletableFuture<>();
        var ws = client.webSocket().textMessageHandler(t -> hello.complete(new JsonObject(t))).binaryMessageHandler(b -> { })
                .connect(options("/audio/default/ws", userToken).addHeader("Origin", self)).await(10, TimeUnit.SECONDS);
        assertThat(hello.get(10, TimeUnit.SECONDS).getInteger("sampleRate")).isEqualTo(48000);
        ws.close();
    }

    /** Opens {@code request} on a socket that reads almost nothing until asked: a paused listener. */
    private static java.net.Socket paused(String request) throws Exception {
        URI base = URI.create(server.baseUrl());
        java.net.Socket s = new java.net.Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
        s.getOutputStream().write(request.replace("HOST", base.getAuthority())
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return s;
    }

    /** Waits until the default stream's listeners have skipped more than {@code before} chunks. */
    private static long awaitSkipping(long before) throws InterruptedException {
        AudioStream stream = server.nagare().audio().stream("default");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (stream.skipped() <= before) {
            assertThat(System.nanoTime()).as("a paused listener skips within 20 s").isLessThan(deadline);
            Thread.sleep(50); // a counter, not an event: polled
        }
        return stream.skipped();
    }

    @Test
    void aPausedWebSocketListenerSkipsFramesSoWhatIsQueuedForItStaysSmall() throws Exception {
        AudioStream stream = server.nagare().audio().stream("default");
        long before = stream.skipped();
        try (java.net.Socket s = paused("GET /audio/default/ws HTTP/1.1\r\nHost: HOST\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Authorization: Bearer " + userToken + "\r\n\r\n")) {
            long start = System.nanoTime();
            long skipping = awaitSkipping(before);
            // It had taken 20 to 40 s of audio (up to 3.9 MB queued) before anything was skipped.
            assertThat(System.nanoTime() - start).as("time until the first skip").isLessThan(TimeUnit.SECONDS.toNanos(10));
            // Two more seconds of audio (about 200 KB at 48 kHz) go by; the server skips them instead of queueing.
            long more = awaitSkipping(skipping + 50);
            assertThat(more - skipping).isGreaterThan(50);
            // Reading again: a little that was in flight, then the stream is still live (skipped, not closed).
            s.setSoTimeout(5000);
            byte[] buffered = s.getInputStream().readNBytes(200_000);
            assertThat(buffered).hasSize(200_000);
        }
    }

    @Test
    void aPausedHttpListenerSkipsWholeBatchesWithinSecondsAndStaysConnected() throws Exception {
        // WAV and Ogg listeners are the same Listener; WAV (96 KB/s) fills the small buffers in seconds.
        AudioStream stream = server.nagare().audio().stream("default");
        long before = stream.skipped();
        long start = System.nanoTime();
        try (java.net.Socket s = paused("GET /audio/default.wav HTTP/1.1\r\nHost: HOST\r\nAuthorization: Bearer "
                + userToken + "\r\n\r\n")) {
            awaitSkipping(before);
            // It had taken 20 to 40 s of audio (up to 3.9 MB queued) before anything was skipped.
            assertThat(System.nanoTime() - start).as("time until the first skip").isLessThan(TimeUnit.SECONDS.toNanos(10));
            s.setSoTimeout(5000);
            assertThat(new String(s.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("HTTP/1.1 200");
        }
    }
}
