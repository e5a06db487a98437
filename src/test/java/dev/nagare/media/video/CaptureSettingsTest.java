package dev.nagare.media.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.Tools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Capture specs reach the sources (an ffmpeg stream fed by lavfi in real time, the test pattern), and
 * {@code /video/{stream}/state} reports what they are set to and what they achieve, uStreamer's way.
 */
class CaptureSettingsTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.VIDEO_FFMPEG, "clip=-re -f lavfi -i testsrc=size=640x480:rate=25@320x240/10/q50",
            Setting.VIDEO_TEST_PATTERN, "800x600/15/q85"));

    static String token;

    @BeforeAll
    static void token() throws Exception {
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        token = server.nagare().tokens().create(admin, "capture-test", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
    }

    private static HttpResponse<byte[]> get(String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return server.http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonObject state(String stream) throws Exception {
        HttpResponse<byte[]> res = get("/video/" + stream + "/state", token);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return new JsonObject(new String(res.body(), StandardCharsets.UTF_8));
    }

    /** Polls the stream's state until {@code done} holds (at most 20 s), and returns the last one read. */
    private static JsonObject stateUntil(String stream, Predicate<JsonObject> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JsonObject s = state(stream);
        while (!done.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(250); // polling a measured rate: there is no event to await
            s = state(stream);
        }
        return s;
    }

    /** Reads an MJPEG stream on its own thread as fast as it comes, counting parts, until closed. */
    private static final class Watcher implements AutoCloseable {
        final MjpegReader reader;
        final AtomicInteger parts = new AtomicInteger();
        volatile BufferedImage first;
        private final Thread thread;

        Watcher(String path) throws IOException {
            reader = new MjpegReader(server.nagare().port(), path, token, 256 * 1024);
            thread = new Thread(() -> {
                try {
                    while (true) {
                        MjpegReader.Part p = reader.next();
                        if (first == null) {
                            first = ImageIO.read(new ByteArrayInputStream(p.jpeg()));
                        }
                        parts.incrementAndGet();
                    }
                } catch (IOException closed) {
                    // the test closed the socket
                }
            }, "capture-test-viewer");
            thread.start();
        }

        @Override
        public void close() throws Exception {
            reader.close();
            thread.join(5000);
        }
    }

    @Test
    void anFfmpegStreamWithASpecIsMadeAtItsSizeAndRateAndStateSaysSo() throws Exception {
        Tools.require("ffmpeg", "apt-get install ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
        try (Watcher viewer = new Watcher("/video/clip")) {
            // At least two seconds of frames, so the rates are measured over several intervals.
            JsonObject s = stateUntil("clip", st -> viewer.parts.get() >= 20 && near(st.getJsonObject("source")
                    .getDouble("capturedFps"), 10) && near(st.getJsonArray("renditions").getJsonObject(0)
                    .getDouble("servedFps"), 10));
            assertThat(viewer.first.getWidth()).isEqualTo(320);
            assertThat(viewer.first.getHeight()).isEqualTo(240);
            JsonObject source = s.getJsonObject("source");
            assertThat(source.getInteger("width")).isEqualTo(320);
            assertThat(source.getInteger("height")).isEqualTo(240);
            assertThat(source.getInteger("fps")).isEqualTo(10);
            assertThat(source.getInteger("quality")).isEqualTo(50);
            assertThat(source.getDouble("capturedFps")).as(s.encode()).isBetween(8.5, 11.5);
            JsonObject own = s.getJsonArray("renditions").getJsonObject(0);
            assertThat(own.getDouble("servedFps")).as(s.encode()).isBetween(8.5, 11.5);
            assertThat(s.getInteger("viewers")).isEqualTo(1);
        }
    }

    private static boolean near(Double fps, double target) {
        return fps != null && Math.abs(fps - target) <= target * 0.15;
    }

    @Test
    void theTestPatternIsDrawnAtItsSpec() throws Exception {
        HttpResponse<byte[]> snap = get("/video/default/snapshot.jpg", token);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(snap.body()));
        assertThat(image.getWidth()).isEqualTo(800);
        assertThat(image.getHeight()).isEqualTo(600);
        try (Watcher viewer = new Watcher("/video/default")) {
            JsonObject s = stateUntil("default", st -> viewer.parts.get() >= 30
                    && near(st.getJsonObject("source").getDouble("capturedFps"), 15));
            assertThat(s.getJsonObject("source").getDouble("capturedFps")).as(s.encode()).isBetween(12.75, 17.25);
            assertThat(s.getJsonObject("source").getInteger("quality")).isEqualTo(85);
        }
    }

    @Test
    void stateListsEachWatchedRenditionWithItsViewersAndTheTotal() throws Exception {
        try (Watcher small = new Watcher("/video/default?width=320&quality=low")) {
            JsonObject s = stateUntil("default", st -> st.getInteger("viewers") == 1 && small.parts.get() > 0);
            assertThat(s.getString("stream")).isEqualTo("default");
            assertThat(s.getBoolean("remote")).isFalse();
            assertThat(s.getJsonObject("source").fieldNames())
                    .containsExactlyInAnyOrder("width", "height", "fps", "capturedFps", "quality", "running");
            assertThat(s.getJsonObject("source").getBoolean("running")).isTrue();
            JsonArray renditions = s.getJsonArray("renditions");
            assertThat(renditions).hasSize(2);
            JsonObject own = renditions.getJsonObject(0);
            assertThat(own.getInteger("width")).isEqualTo(800);
            assertThat(own.getInteger("quality")).isEqualTo(85);
            assertThat(own.getBoolean("source")).isTrue();
            assertThat(own.getInteger("viewers")).isZero();
            assertThat(own.getDouble("servedFps")).isZero();
            JsonObject low = renditions.getJsonObject(1);
            assertThat(low.fieldNames()).containsExactlyInAnyOrder("width", "quality", "source", "viewers", "servedFps");
            assertThat(low.getInteger("width")).isEqualTo(320);
            assertThat(low.getInteger("quality")).isEqualTo(40);
            assertThat(low.getBoolean("source")).isFalse();
            assertThat(low.getInteger("viewers")).isEqualTo(1);
            assertThat(s.getInteger("viewers")).isEqualTo(1);
            assertThat(small.first.getWidth()).isEqualTo(320);
        }
        JsonObject after = stateUntil("default", st -> st.getInteger("viewers") == 0);
        assertThat(after.getInteger("viewers")).isZero();
        assertThat(after.getJsonArray("renditions")).hasSize(1); // a rendition nobody watches is not listed
    }

    @Test
    void stateIsGuardedAsTheStatsAre() throws Exception {
        assertThat(get("/video/default/stats", null).statusCode()).isEqualTo(401);
        assertThat(get("/video/default/state", null).statusCode()).isEqualTo(401);
        assertThat(get("/video/nosuch/state", token).statusCode()).isEqualTo(404);
        String other = server.nagare().tokens().create(server.nagare().accounts().find("admin")
                .await(10, TimeUnit.SECONDS).orElseThrow(), "other-stream", Set.of("join:video/clip"),
                Duration.ofHours(1)).await(10, TimeUnit.SECONDS).secret();
        assertThat(get("/video/default/stats", other).statusCode()).isEqualTo(403);
        assertThat(get("/video/default/state", other).statusCode()).isEqualTo(403);
    }

    @Test
    void snapshotWithoutTheJpgNameIsTheSameJpeg() throws Exception {
        for (String path : new String[] {"/video/default/snapshot", "/video/default/snapshot.jpg"}) {
            HttpResponse<byte[]> res = get(path, token);
            assertThat(res.statusCode()).as(path).isEqualTo(200);
            assertThat(res.headers().firstValue("Content-Type")).hasValue("image/jpeg");
            assertThat(ImageIO.read(new ByteArrayInputStream(res.body())).getWidth()).isEqualTo(800);
        }
        assertThat(get("/video/default/snapshot", null).statusCode()).isEqualTo(401);
    }
}
