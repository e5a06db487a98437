package dev.nagare.media.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A stopping server cuts off the encoders publishing to it instead of waiting out its drain timeout. */
class IcecastDrainTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.SHUTDOWN_TIMEOUT, "20"));

    @Test
    void stoppingTheServerEndsAPublishingEncoderAtOnce() throws Exception {
        Path ffmpeg = Tools.require("ffmpeg", "apt-get install ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        String token = server.nagare().tokens().create(admin, "encoder", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
        Process publisher = new ProcessBuilder(List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "sine=frequency=880", "-t", "60", "-c:a", "libopus", "-f", "ogg",
                "-content_type", "audio/ogg", "icecast://source:" + token + "@127.0.0.1:" + server.nagare().port()
                        + "/audio/live/source")).redirectErrorStream(true).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!server.nagare().audio().streams().containsKey("live")) {
                assertThat(System.nanoTime()).as("waiting for the stream").isLessThan(deadline);
                Thread.sleep(50); // the server's own state: nothing announces it to a test
            }
            long started = System.nanoTime();
            server.stop();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(ms).as("stop took %d ms (the drain timeout is 20 s)", ms).isLessThan(10_000);
            assertThat(publisher.waitFor(10, TimeUnit.SECONDS)).as("the encoder was disconnected").isTrue();
        } finally {
            publisher.destroyForcibly();
        }
    }
}
