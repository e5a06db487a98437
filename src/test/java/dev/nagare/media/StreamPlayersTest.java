package dev.nagare.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.StreamTokens;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real players open tokened streams by URL alone, as devices do: ffmpeg (MJPEG, WAV, Ogg/Opus) and
 * VLC's command-line player.
 */
class StreamPlayersTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern"));

    @TempDir
    Path dir;

    static String url(String stream, String path) throws Exception {
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        StreamTokens tokens = new StreamTokens(server.nagare().store()).start().await(10, TimeUnit.SECONDS);
        String token = tokens.mint(new dev.nagare.auth.Principal(admin.id(), "admin", admin.role(), Set.of(), null, null),
                stream, Duration.ofMinutes(5)).await(10, TimeUnit.SECONDS).token();
        return server.baseUrl() + path + "?token=" + token;
    }

    static Path ffmpeg() {
        return Tools.require("ffmpeg", "apt-get install ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        return log;
    }

    @Test
    void ffmpegReadsFramesOfATokenedMjpegStream() throws Exception {
        String url = url("video/default", "/video/default");
        run(List.of(ffmpeg().toString(), "-hide_banner", "-loglevel", "error", "-f", "mpjpeg", "-i", url,
                "-frames:v", "5", dir.resolve("frame-%d.jpg").toString()));
        for (int i = 1; i <= 5; i++) {
            assertThat(Files.size(dir.resolve("frame-" + i + ".jpg"))).isGreaterThan(1000);
        }
    }

    @Test
    void ffmpegReadsATokenedWavAndOggStream() throws Exception {
        for (String path : List.of("/audio/default.wav", "/audio/default.ogg")) {
            Path out = dir.resolve(path.replace("/audio/default.", "") + ".wav");
            run(List.of(ffmpeg().toString(), "-hide_banner", "-loglevel", "error", "-i", url("audio/default", path),
                    "-t", "2", "-c:a", "pcm_s16le", out.toString()));
            assertThat(Files.size(out)).as(path).isGreaterThan(48_000L * 2 * 3 / 2); // 1.5 s of 48 kHz 16-bit mono at least
        }
    }

    @Test
    void vlcReadsATokenedMjpegStream() throws Exception {
        Path cvlc = Tools.require("cvlc", "apt-get install --no-install-recommends vlc-bin vlc-plugin-base", "/usr/bin/cvlc");
        // VLC refuses to run as root: there it runs as nobody, writing where nobody may.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path out = dir.resolve("vlc.mjpg");
        List<String> cmd = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        cmd.addAll(List.of("env", "HOME=" + dir, cvlc.toString(), "--no-audio", url("video/default", "/video/default"),
                "--sout", "#std{access=file,mux=raw,dst=" + out + "}"));
        Process vlc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("vlc.log").toFile()).start();
        try {
            // VLC demuxes the multipart stream and writes the JPEG frames one after another: wait for five.
            long deadline = System.currentTimeMillis() + 20_000;
            int frames = 0;
            while (frames < 5 && vlc.isAlive() && System.currentTimeMillis() < deadline) {
                frames = Files.exists(out) ? jpegStarts(Files.readAllBytes(out)) : 0;
                vlc.waitFor(100, TimeUnit.MILLISECONDS);
            }
            assertThat(frames).as(Files.exists(dir.resolve("vlc.log")) ? Files.readString(dir.resolve("vlc.log")) : "")
                    .isGreaterThanOrEqualTo(5);
        } finally {
            // A live stream never ends, and VLC's dummy interface does not leave by itself.
            vlc.destroy();
            if (!vlc.waitFor(5, TimeUnit.SECONDS)) {
                vlc.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** JPEG start-of-image markers followed by a JFIF/EXIF or quantisation segment. */
    static int jpegStarts(byte[] b) {
        int n = 0;
        for (int i = 0; i + 2 < b.length; i++) {
            if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xD8 && (b[i + 2] & 0xff) == 0xFF) {
                n++;
            }
        }
        return n;
    }
}
