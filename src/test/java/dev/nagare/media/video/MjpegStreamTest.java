package dev.nagare.media.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.Tools;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The default MJPEG stream read by real clients: ffmpeg's mpjpeg demuxer and plain HTTP. */
class MjpegStreamTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.VIDEO_STALL_TIMEOUT, "5"));

    static String token;

    @BeforeAll
    static void token() throws Exception {
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        token = server.nagare().tokens().create(admin, "video-test", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
    }

    private HttpResponse<byte[]> get(String path, boolean withToken) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path));
        if (withToken) {
            b.header("Authorization", "Bearer " + token);
        }
        return server.http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void ffmpegReadsTenSecondsOfTheThirtyFpsStreamAtFullRate() throws Exception {
        Path ffmpeg = Tools.require("ffmpeg", "apt-get install ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
        // Wall-clock timestamps, so "-t 10" means ten real seconds of the live stream.
        Process p = new ProcessBuilder(List.of(ffmpeg.toString(), "-hide_banner", "-nostats",
                "-headers", "Authorization: Bearer " + token + "\r\n",
                "-use_wallclock_as_timestamps", "1", "-f", "mpjpeg", "-i", server.baseUrl() + "/video/default",
                "-t", "10", "-f", "null", "-")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Matcher m = Pattern.compile("frame=\\s*(\\d+)").matcher(out);
        int frames = 0;
        while (m.find()) {
            frames = Integer.parseInt(m.group(1));
        }
        assertThat(frames).as(out).isGreaterThanOrEqualTo(295);
    }

    @Test
    void aPausedViewerDoesNotSlowOthersAndResumesWithAFreshFrameNotABacklog() throws Exception {
        int port = server.nagare().port();
        try (MjpegReader paused = new MjpegReader(port, "/video/default", token, 16 * 1024);
                MjpegReader steady = new MjpegReader(port, "/video/default", token, 256 * 1024)) {
            paused.next();
            // The paused viewer reads nothing for 3 s; the steady one keeps reading.
            long start = System.currentTimeMillis();
            int steadyFrames = 0;
            while (System.currentTimeMillis() - start < 3000) {
                steady.next();
                steadyFrames++;
            }
            assertThat(steadyFrames).as("frames a steady viewer got in 3 s at 30 fps").isGreaterThanOrEqualTo(80);

            // On resuming, only frames already in flight come first; then the newest one arrives.
            long resumed = System.currentTimeMillis();
            int stale = 0;
            MjpegReader.Part part = paused.next();
            long firstStaleFrame = part.frame();
            while (resumed - part.timestamp() > 500 && stale < 200) {
                stale++;
                part = paused.next();
            }
            // Only what was already in socket buffers (under a second of video) comes late, not the
            // 3 s backlog of ~90 frames; then the stream jumps to the newest frame.
            assertThat(stale).as("stale frames before a fresh one (first stale frame %d, fresh frame %d)",
                    firstStaleFrame, part.frame()).isLessThan(30);
            assertThat(part.frame() - firstStaleFrame - stale).as("frames skipped").isGreaterThan(40);
        }
    }

    private int viewers() throws Exception {
        return new JsonObject(new String(get("/video/default/stats", true).body(), StandardCharsets.UTF_8)).getInteger("viewers");
    }

    @Test
    void aViewerThatTakesNoFrameForTheStallTimeoutIsDisconnectedAndHeldOnlyAFewFrames() throws Exception {
        int port = server.nagare().port();
        try (MjpegReader steady = new MjpegReader(port, "/video/default", token, 256 * 1024)) {
            steady.next();
            int before = viewers();
            try (MjpegReader paused = new MjpegReader(port, "/video/default", token, 16 * 1024)) {
                paused.next();
                long pausedAt = System.nanoTime();
                assertThat(viewers()).isEqualTo(before + 1);
                // The steady viewer keeps watching while the other reads nothing, until the server drops it.
                long lastCheck = 0;
                int frames = 0;
                while (viewers() > before) {
                    assertThat(System.nanoTime() - pausedAt).as("dropped within 15 s").isLessThan(15_000_000_000L);
                    for (long until = System.nanoTime() + 200_000_000L; System.nanoTime() < until; ) {
                        steady.next();
                        frames++;
                    }
                }
                double seconds = (System.nanoTime() - pausedAt) / 1e9;
                assertThat(seconds).as("not before the stall timeout of 5 s").isGreaterThan(4.5);
                assertThat(frames).as("frames the steady viewer got meanwhile").isGreaterThan(0);
                assertThat(steady.next().length()).as("the steady viewer still watches").isPositive();
                // What the paused viewer finds when it reads again: a few frames in flight, then the end.
                int late = 0;
                long bytes = 0;
                try {
                    while (late < 1000) {
                        bytes += paused.next().length();
                        late++;
                    }
                } catch (java.io.IOException ended) {
                    // closed or reset by the server: expected
                }
                assertThat(late).as("frames still buffered for the dropped viewer").isLessThan(20);
                assertThat(bytes).as("bytes still buffered for it").isLessThan(1_000_000);
            }
        }
    }

    @Test
    void aSnapshotIsAFreshDecodableFrameWhoseEmbeddedTimeGivesTheLatency() throws Exception {
        HttpResponse<byte[]> res = get("/video/default/snapshot.jpg", true);
        long received = System.currentTimeMillis();
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        var image = ImageIO.read(new ByteArrayInputStream(res.body()));
        long[] decoded = TestPatternSource.decode(image);
        assertThat(decoded[0]).isEqualTo(Long.parseLong(res.headers().firstValue("X-Timestamp").orElseThrow()));
        long latencyMs = received - decoded[0];
        assertThat(latencyMs).as("capture-to-delivery latency").isBetween(0L, 2000L);
    }

    @Test
    void theGuidesVideoFeedIsTheDefaultStreamAsMultipart() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(server.uri("/video_feed"))
                .header("Authorization", "Bearer " + token).build();
        HttpResponse<java.io.InputStream> res = server.http().send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (var in = res.body()) {
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("Content-Type")).hasValue("multipart/x-mixed-replace; boundary=nagareframe");
            byte[] head = in.readNBytes(200);
            assertThat(new String(head, StandardCharsets.ISO_8859_1))
                    .startsWith("--nagareframe\r\nContent-Type: image/jpeg\r\nContent-Length: ")
                    .contains("X-Timestamp: ", "X-Frame: ");
        }
    }

    @Test
    void watchingNeedsALoginOrToken() throws Exception {
        HttpResponse<byte[]> res = get("/video/default", false);
        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(new String(res.body(), StandardCharsets.UTF_8)).getString("error")).isEqualTo("unauthorized");
        assertThat(get("/video/no-such-stream", true).statusCode()).isEqualTo(404);
    }

    @Test
    void aViewerCanAskForALowerFrameRateAndStatsShowEachViewer() throws Exception {
        try (MjpegReader slow = new MjpegReader(server.nagare().port(), "/video/default?fps=5", token, 256 * 1024)) {
            MjpegReader.Part first = slow.next();
            long start = System.currentTimeMillis();
            int frames = 0;
            while (System.currentTimeMillis() - start < 2000) {
                slow.next();
                frames++;
            }
            assertThat(frames).as("frames in 2 s at ?fps=5").isBetween(8, 12);
            JsonObject stats = new JsonObject(new String(get("/video/default/stats", true).body(), StandardCharsets.UTF_8));
            assertThat(stats.getJsonArray("viewerStats")).isNotEmpty();
            assertThat(stats.getJsonArray("viewerStats").stream().map(v -> ((JsonObject) v).getDouble("fps")))
                    .anyMatch(fps -> fps >= 3.0 && fps <= 7.0);
            assertThat(first.length()).isPositive();
        }
    }

    @Test
    void aSmallerCheaperRenditionIsEncodedOnceForItsViewers() throws Exception {
        int port = server.nagare().port();
        try (MjpegReader a = new MjpegReader(port, "/video/default?width=320&quality=low", token, 256 * 1024);
                MjpegReader b = new MjpegReader(port, "/video/default?width=400&quality=45", token, 256 * 1024)) {
            MjpegReader.Part pa = a.next();
            MjpegReader.Part pb = b.next();
            var image = ImageIO.read(new ByteArrayInputStream(pa.jpeg()));
            assertThat(image.getWidth()).isEqualTo(320);
            assertThat(image.getHeight()).isEqualTo(240);
            assertThat(ImageIO.read(new ByteArrayInputStream(pb.jpeg())).getWidth()).isEqualTo(320); // same rendition
            long start = System.currentTimeMillis();
            int frames = 0;
            while (System.currentTimeMillis() - start < 1000) {
                a.next();
                frames++;
            }
            assertThat(frames).as("rendition frames in 1 s").isGreaterThanOrEqualTo(20);
            JsonObject stats = new JsonObject(new String(get("/video/default/stats", true).body(), StandardCharsets.UTF_8));
            assertThat(stats.getJsonArray("viewerStats").stream().map(v -> ((JsonObject) v).getInteger("width")))
                    .contains(320);
        }
    }

    @Test
    void statsDescribeTheStream() throws Exception {
        get("/video/default/snapshot.jpg", true);
        JsonObject stats = new JsonObject(new String(get("/video/default/stats", true).body(), StandardCharsets.UTF_8));
        assertThat(stats.getInteger("width")).isEqualTo(640);
        assertThat(stats.getInteger("fps")).isEqualTo(30);
        assertThat(stats.getLong("framesProduced")).isPositive();
    }
}
