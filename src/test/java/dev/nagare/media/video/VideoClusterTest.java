package dev.nagare.media.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.MediaCluster;
import dev.nagare.testing.RawHandshake;
import dev.nagare.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Video on two nodes of a cluster (issue 18): a stream published on node A is listed on node B and
 * watched there over MJPEG with B's own accounts and rights; it crosses Redis once for all of B's
 * viewers and only while B has one; when it ends on A, B's viewers see "no signal"; a name used on one
 * node cannot be published on another; a node that stops takes its streams out of the others' lists.
 */
class VideoClusterTest {
    static MediaCluster cluster;
    static TestServer a;
    static TestServer b;
    static Vertx vertx;
    static WebSocketClient client;
    static String adminOnA;
    static String adminOnB;
    static String viewerOnB;
    static byte[] red;

    @BeforeAll
    static void twoNodes() throws Exception {
        cluster = new MediaCluster("video");
        a = cluster.node();
        b = cluster.node();
        vertx = Vertx.vertx();
        client = vertx.createWebSocketClient();
        adminOnA = MediaCluster.token(a, "admin", Set.of());
        adminOnB = MediaCluster.token(b, "admin", Set.of());
        viewerOnB = MediaCluster.token(b, "viewer", Set.of());
        red = jpeg(Color.RED);
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

    static byte[] jpeg(Color color) throws IOException {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
        var g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 64, 48);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    /** A camera publishing red frames to {@code stream} on {@code node} at 25 fps until closed. */
    record Camera(WebSocket ws, long timer) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            vertx.cancelTimer(timer);
            ws.close().await(10, TimeUnit.SECONDS);
        }
    }

    static Camera publish(TestServer node, String stream) throws Exception {
        URI base = URI.create(node.baseUrl());
        WebSocket ws = client.webSocket().connect(new WebSocketConnectOptions().setHost(base.getHost())
                .setPort(base.getPort()).setURI("/video/publish/" + stream + "?width=64&height=48&fps=30")
                .addHeader("Authorization", "Bearer " + adminOnA)).await(10, TimeUnit.SECONDS);
        long timer = vertx.setPeriodic(40, id -> ws.writeBinaryMessage(Buffer.buffer(red)));
        return new Camera(ws, timer);
    }

    static JsonArray streams(TestServer node, String token) {
        HttpResponse<String> r = node.send(HttpRequest.newBuilder(node.uri("/api/video/streams"))
                .header("Authorization", "Bearer " + token).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonArray(r.body());
    }

    static JsonObject listed(TestServer node, String token, String stream) {
        return streams(node, token).stream().map(JsonObject.class::cast).filter(s -> stream.equals(s.getString("name")))
                .findFirst().orElse(null);
    }

    static JsonObject stats(TestServer node, String stream) {
        HttpResponse<String> r = node.send(HttpRequest.newBuilder(node.uri("/video/" + stream + "/stats"))
                .header("Authorization", "Bearer " + (node == a ? adminOnA : adminOnB)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    static int rgb(MjpegReader.Part part) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(part.jpeg()));
        assertThat(image).as("a JPEG that javax.imageio decodes").isNotNull();
        return image.getRGB(image.getWidth() / 2, image.getHeight() / 2);
    }

    static boolean isRed(int rgb) {
        Color c = new Color(rgb);
        return c.getRed() > 200 && c.getGreen() < 60 && c.getBlue() < 60;
    }

    @Test
    void aStreamPublishedOnOneNodeIsWatchedOnTheOtherAndCrossesRedisOnceAndOnlyWhileWatched() throws Exception {
        String channel = "socket.io:video:cam";
        try (Camera cam = publish(a, "cam")) {
            MediaCluster.await("B lists A's stream", () -> listed(b, viewerOnB, "cam") != null);
            assertThat(listed(b, viewerOnB, "cam").getBoolean("remote")).isTrue();
            assertThat(listed(b, viewerOnB, "default").getBoolean("remote")).as("each node's test pattern is its own").isFalse();
            assertThat(cluster.subscribers(channel)).as("nobody watches on B: nothing relayed").isZero();
            assertThat(stats(a, "cam").getBoolean("relaying")).isFalse();

            int port = b.nagare().port();
            try (MjpegReader one = new MjpegReader(port, "/video/cam", viewerOnB, 256 * 1024);
                    MjpegReader two = new MjpegReader(port, "/video/cam", viewerOnB, 256 * 1024)) {
                assertThat(isRed(rgb(one.next()))).as("A's red frame, watched on B").isTrue();
                assertThat(isRed(rgb(two.next()))).isTrue();
                assertThat(cluster.subscribers(channel)).as("one subscription for both of B's viewers").isEqualTo(1);
                MediaCluster.await("A relays the stream", () -> stats(a, "cam").getBoolean("relaying"));
                assertThat(stats(b, "cam").getInteger("viewers")).isEqualTo(2);
            }
            MediaCluster.await("B unsubscribes after its last viewer left", () -> cluster.subscribers(channel) == 0);
            MediaCluster.await("A stops relaying", () -> !stats(a, "cam").getBoolean("relaying"));
        }
    }

    @Test
    void aSnapshotOnTheOtherNodeIsAFreshFrameAndLeavesNothingRelayed() throws Exception {
        String channel = "socket.io:video:still";
        try (Camera cam = publish(a, "still")) {
            MediaCluster.await("B lists A's stream", () -> listed(b, viewerOnB, "still") != null);
            for (int i = 0; i < 2; i++) {
                HttpResponse<byte[]> snap = b.http().send(HttpRequest.newBuilder(b.uri("/video/still/snapshot.jpg"))
                        .header("Authorization", "Bearer " + viewerOnB).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(snap.statusCode()).isEqualTo(200);
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(snap.body()));
                assertThat(isRed(image.getRGB(32, 24))).isTrue();
            }
            MediaCluster.await("B does not stay subscribed after a snapshot", () -> cluster.subscribers(channel) == 0);
            MediaCluster.await("A stops relaying", () -> !stats(a, "still").getBoolean("relaying"));
        }
    }

    @Test
    void whenTheStreamEndsOnItsNodeTheViewersOnTheOtherSeeNoSignal() throws Exception {
        Camera cam = publish(a, "live");
        MediaCluster.await("B lists A's stream", () -> listed(b, viewerOnB, "live") != null);
        try (MjpegReader viewer = new MjpegReader(b.nagare().port(), "/video/live", viewerOnB, 256 * 1024)) {
            assertThat(isRed(rgb(viewer.next()))).isTrue();
            cam.close();
            Color seen = null;
            for (int i = 0; i < 500 && (seen == null || seen.getRed() > 100); i++) {
                seen = new Color(rgb(viewer.next()));
            }
            // NoSignal's dark grey background, as a local viewer sees when the publisher leaves.
            assertThat(seen.getRed()).isBetween(20, 45);
            assertThat(seen.getGreen()).isBetween(20, 45);
        }
    }

    @Test
    void rightsAreCheckedOnTheViewersNode() throws Exception {
        try (Camera cam = publish(a, "secret")) {
            MediaCluster.await("B lists A's stream", () -> listed(b, viewerOnB, "secret") != null);
            String onlyDefault = MediaCluster.token(b, "viewer", Set.of("join:video/default"));
            HttpResponse<String> refused = b.send(HttpRequest.newBuilder(b.uri("/video/secret"))
                    .header("Authorization", "Bearer " + onlyDefault).build());
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(listed(b, onlyDefault, "secret")).as("not listed to whom may not watch it").isNull();
            assertThat(listed(b, onlyDefault, "default")).isNotNull();
            HttpResponse<String> noLogin = b.send(HttpRequest.newBuilder(b.uri("/video/secret")).build());
            assertThat(noLogin.statusCode()).isEqualTo(401);
            HttpResponse<String> unknown = b.send(HttpRequest.newBuilder(b.uri("/video/nowhere"))
                    .header("Authorization", "Bearer " + viewerOnB).build());
            assertThat(unknown.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aNamePublishedOnOneNodeCannotBePublishedOnAnother() throws Exception {
        try (Camera cam = publish(a, "taken")) {
            MediaCluster.await("B lists A's stream", () -> listed(b, viewerOnB, "taken") != null);
            RawHandshake.Answer second = RawHandshake.upgrade(b, "/video/publish/taken", null, adminOnB);
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.body()).contains("Stream taken is published on another node.");
            HttpResponse<String> may = b.send(HttpRequest.newBuilder(b.uri("/api/video/publish/taken"))
                    .header("Authorization", "Bearer " + adminOnB).build());
            assertThat(new JsonObject(may.body()).getString("message")).contains("published on another node");
        }
    }

    @Test
    void aNodeThatStopsTakesItsStreamsOutOfTheOthersListsAtOnce() throws Exception {
        TestServer c = cluster.node();
        String adminOnC = MediaCluster.token(c, "admin", Set.of());
        URI base = URI.create(c.baseUrl());
        WebSocket ws = client.webSocket().connect(new WebSocketConnectOptions().setHost(base.getHost())
                .setPort(base.getPort()).setURI("/video/publish/brief")
                .addHeader("Authorization", "Bearer " + adminOnC)).await(10, TimeUnit.SECONDS);
        MediaCluster.await("B lists C's stream", () -> listed(b, viewerOnB, "brief") != null);
        // C drains while its publisher is still connected: B drops the stream at the start of the drain,
        // not once C's connections are done (up to the 10 s shutdown timeout).
        var stopping = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                c.afterAll(null);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long start = System.nanoTime();
        MediaCluster.await("B drops the stream of the node that stops", () -> listed(b, viewerOnB, "brief") == null);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(5);
        ws.close();
        stopping.get(30, TimeUnit.SECONDS);
    }
}
