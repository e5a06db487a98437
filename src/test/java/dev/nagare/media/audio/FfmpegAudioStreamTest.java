package dev.nagare.media.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** --audio-ffmpeg feeds a stream from ffmpeg (lavfi's 1 kHz sine here); recorded and analysed. */
class FfmpegAudioStreamTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.AUDIO_FFMPEG, "sine=-re -f lavfi -i sine=frequency=1000:sample_rate=48000"));

    @TempDir
    Path dir;

    @Test
    void theFfmpegFedStreamPlaysItsInputsPitch() throws Exception {
        Path ffmpeg = Tools.require("ffmpeg", "apt-get install ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        String token = server.nagare().tokens().create(admin, "t", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
        Path out = dir.resolve("sine.wav");
        Process p = new ProcessBuilder(List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error",
                "-headers", "Authorization: Bearer " + token + "\r\n", "-i", server.baseUrl() + "/audio/sine.wav",
                "-t", "3", "-c:a", "pcm_s16le", out.toString())).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(Files.size(out)).isGreaterThan(2L * 48_000 * 2);
        assertThat(AudioStreamTest.frequency(out)).isCloseTo(1000.0, org.assertj.core.data.Percentage.withPercentage(1));
    }

    /**
     * With only HTTP listeners the source reads ffmpeg's pipe every 100 ms, five chunks at once; a
     * WebSocket listener must still get each 20 ms chunk as it comes, not in such bursts.
     */
    @Test
    void aWebSocketListenerGetsEachChunkAtOnceWhileHttpListenersLetTheSourceReadInBursts() throws Exception {
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        String token = server.nagare().tokens().create(admin, "ws", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
        java.net.http.HttpResponse<java.io.InputStream> http = server.http().send(java.net.http.HttpRequest.newBuilder(
                server.uri("/audio/sine.wav")).header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (java.io.InputStream wav = http.body()) {
            assertThat(wav.readNBytes(96_000)).hasSize(96_000); // the source runs, for HTTP only: paced
            java.util.concurrent.LinkedBlockingQueue<Long> arrivals = new java.util.concurrent.LinkedBlockingQueue<>();
            java.net.URI base = java.net.URI.create(server.baseUrl());
            var ws = vertx.createWebSocketClient().webSocket().binaryMessageHandler(b -> arrivals.add(System.nanoTime()))
                    .connect(new io.vertx.core.http.WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort())
                            .setURI("/audio/sine/ws").addHeader("Authorization", "Bearer " + token))
                    .await(10, TimeUnit.SECONDS);
            List<Long> times = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) {
                times.add(arrivals.poll(10, TimeUnit.SECONDS));
            }
            ws.close();
            int bunched = 0;
            for (int i = 11; i < times.size(); i++) { // past the pause the reader may be in when the socket joins
                if (times.get(i) - times.get(i - 1) < 5_000_000L) {
                    bunched++;
                }
            }
            // Read in bursts, four of every five frames would follow the one before at once.
            assertThat(bunched).as("of 49 frames, those that came within 5 ms of the one before").isLessThan(12);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
