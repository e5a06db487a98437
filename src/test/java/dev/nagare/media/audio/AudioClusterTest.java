package dev.nagare.media.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.MediaCluster;
import dev.nagare.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Audio on two nodes of a cluster (issue 18): a stream a browser-like client publishes on node A is
 * heard on node B over the WebSocket path (the same PCM, byte for byte) and as WAV, crossing Redis once
 * for all of B's listeners and only while B has one; when the publisher leaves, B's listeners are ended
 * and B no longer lists the stream.
 */
class AudioClusterTest {
    static final int CHUNK = 1920; // 20 ms of 48 kHz mono
    static MediaCluster cluster;
    static TestServer a;
    static TestServer b;
    static Vertx vertx;
    static WebSocketClient client;
    static String adminOnA;
    static String listenerOnB;
    static byte[] tone;

    @BeforeAll
    static void twoNodes() throws Exception {
        cluster = new MediaCluster("audio");
        a = cluster.node();
        b = cluster.node();
        vertx = Vertx.vertx();
        client = vertx.createWebSocketClient();
        adminOnA = MediaCluster.token(a, "admin", Set.of());
        listenerOnB = MediaCluster.token(b, "listener", Set.of());
        tone = PcmConverterTest.tone(440, 48_000, 1, 1); // 440 whole periods: it loops without a click
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().await();
        }
        for (TestServer n : new TestServer[] {a, b}) {
            if (n != null) {
                n.afterAll(null);
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static WebSocketConnectOptions options(TestServer node, String path, String token) {
        URI base = URI.create(node.baseUrl());
        return new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort()).setURI(path)
                .addHeader("Authorization", "Bearer " + token);
    }

    /** A microphone publishing the looping tone to {@code stream} on A, 20 ms at a time, until closed. */
    record Microphone(WebSocket ws, long timer) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            vertx.cancelTimer(timer);
            ws.close().await(10, TimeUnit.SECONDS);
        }
    }

    static Microphone publish(String stream) throws Exception {
        WebSocket ws = client.webSocket().connect(options(a, "/audio/publish/" + stream, adminOnA)).await(10, TimeUnit.SECONDS);
        int[] next = {0};
        long timer = vertx.setPeriodic(20, id -> {
            ws.writeBinaryMessage(Buffer.buffer(Arrays.copyOfRange(tone, next[0], next[0] + CHUNK)));
            next[0] = (next[0] + CHUNK) % tone.length;
        });
        return new Microphone(ws, timer);
    }

    static JsonObject listed(TestServer node, String token, String stream) {
        HttpResponse<String> r = node.send(HttpRequest.newBuilder(node.uri("/api/audio/streams"))
                .header("Authorization", "Bearer " + token).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray all = new JsonObject(r.body()).getJsonArray("streams");
        return all.stream().map(JsonObject.class::cast).filter(s -> stream.equals(s.getString("name"))).findFirst().orElse(null);
    }

    @Test
    void aStreamPublishedOnOneNodeIsHeardOnTheOtherOverTheWebSocketAndAsWav() throws Exception {
        String channel = "socket.io:audio:voice";
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < tone.length; i += CHUNK) {
            sent.add(HexFormat.of().formatHex(tone, i, i + CHUNK));
        }
        try (Microphone mic = publish("voice")) {
            MediaCluster.await("B lists A's stream", () -> listed(b, listenerOnB, "voice") != null);
            JsonObject entry = listed(b, listenerOnB, "voice");
            assertThat(entry.getBoolean("remote")).isTrue();
            assertThat(entry.getBoolean("published")).isTrue();
            assertThat(entry.getInteger("sampleRate")).isEqualTo(48_000);
            assertThat(cluster.subscribers(channel)).as("nobody listens on B: nothing relayed").isZero();

            LinkedBlockingQueue<Buffer> frames = new LinkedBlockingQueue<>();
            CompletableFuture<JsonObject> hello = new CompletableFuture<>();
            WebSocket ws = client.webSocket().textMessageHandler(t -> hello.complete(new JsonObject(t)))
                    .binaryMessageHandler(frames::add)
                    .connect(options(b, "/audio/voice/ws", listenerOnB)).await(10, TimeUnit.SECONDS);
            assertThat(hello.get(10, TimeUnit.SECONDS).getInteger("sampleRate")).isEqualTo(48_000);
            for (int i = 0; i < 10; i++) {
                Buffer f = frames.poll(10, TimeUnit.SECONDS);
                assertThat(f).as("frame %d relayed from A", i).isNotNull();
                assertThat(f.length()).isEqualTo(8 + CHUNK);
                assertThat(sent).as("what A's publisher sent, byte for byte").contains(HexFormat.of().formatHex(f.getBytes(8, f.length())));
            }
            assertThat(cluster.subscribers(channel)).isEqualTo(1);

            HttpResponse<InputStream> wav = b.http().send(HttpRequest.newBuilder(b.uri("/audio/voice.wav"))
                    .header("Authorization", "Bearer " + listenerOnB).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = wav.body()) {
                assertThat(wav.statusCode()).isEqualTo(200);
                byte[] header = in.readNBytes(44);
                assertThat(new String(header, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
                byte[] pcm = in.readNBytes(48_000); // half a second
                assertThat(PcmConverterTest.zeroCrossingsPerSecond(pcm, 48_000)).isCloseTo(440, Percentage.withPercentage(3));
                assertThat(cluster.subscribers(channel)).as("one subscription for both of B's listeners").isEqualTo(1);
            }
            ws.close().await(10, TimeUnit.SECONDS);
            MediaCluster.await("B unsubscribes after its last listener left", () -> cluster.subscribers(channel) == 0);
        }
    }

    @Test
    void whenThePublisherLeavesTheListenersOnTheOtherNodeAreEnded() throws Exception {
        Microphone mic = publish("brief");
        try {
            MediaCluster.await("B lists A's stream", () -> listed(b, listenerOnB, "brief") != null);
            LinkedBlockingQueue<Buffer> frames = new LinkedBlockingQueue<>();
            CompletableFuture<Void> closed = new CompletableFuture<>();
            WebSocket ws = client.webSocket().textMessageHandler(t -> { }).binaryMessageHandler(frames::add)
                    .connect(options(b, "/audio/brief/ws", listenerOnB)).await(10, TimeUnit.SECONDS);
            ws.closeHandler(v -> closed.complete(null));
            assertThat(frames.poll(10, TimeUnit.SECONDS)).isNotNull();
            mic.close();
            closed.get(10, TimeUnit.SECONDS);
            MediaCluster.await("B no longer lists the stream", () -> listed(b, listenerOnB, "brief") == null);
        } finally {
            mic.close();
        }
    }

    @Test
    void rightsAreCheckedOnTheListenersNode() throws Exception {
        try (Microphone mic = publish("private")) {
            MediaCluster.await("B lists A's stream", () -> listed(b, listenerOnB, "private") != null);
            String onlyDefault = MediaCluster.token(b, "listener", Set.of("join:audio/default"));
            HttpResponse<String> refused = b.send(HttpRequest.newBuilder(b.uri("/audio/private.wav"))
                    .header("Authorization", "Bearer " + onlyDefault).build());
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(listed(b, onlyDefault, "private")).isNull();
            Throwable socket = org.assertj.core.api.Assertions.catchThrowable(() -> client.webSocket()
                    .connect(options(b, "/audio/private/ws", onlyDefault)).await(10, TimeUnit.SECONDS));
            assertThat(socket).hasMessageContaining("403");
        }
    }
}
