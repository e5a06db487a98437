package dev.nagare.media.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.Tools;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream's Ogg/Opus version comes from libopus in one ffmpeg child for all its listeners, and from
 * Opus in Java when there is no ffmpeg that encodes Opus: either way ffprobe reads 48 kHz Opus in Ogg
 * and ffmpeg decodes the stream's tone. Which encoder made it shows in the OpusTags page's vendor
 * string (RFC 7845 section 5.2): ffmpeg's muxer writes its own ("Lavf..."), the Java one "Nagare".
 */
class OpusPagesTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern"));

    @TempDir
    Path dir;

    static String token;
    static Path ffmpeg;
    static Path ffprobe;

    @BeforeAll
    static void setUp() throws Exception {
        ffmpeg = Tools.require("ffmpeg", "apt-get install ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
        ffprobe = Tools.require("ffprobe", "apt-get install ffmpeg", "/usr/bin/ffprobe", "/usr/local/bin/ffprobe");
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        token = server.nagare().tokens().create(admin, "opus-test", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
    }

    /** A 48 kHz mono tone stream whose encoders run {@code encoderFfmpeg}. */
    private static String stream(String name, double hz, String encoderFfmpeg) {
        server.nagare().audio().add(new AudioStream(name, new ToneSource(PcmFormat.defaults(), hz), 96_000,
                AudioStream.MP3_BITRATE, encoderFfmpeg));
        return "/audio/" + name + ".ogg";
    }

    @Test
    void libopusInOneFfmpegChildServesEveryOggListenerOfAStream() throws Exception {
        String path = stream("opus-ffmpeg", 660, ffmpeg.toString());
        try (InputStream first = open(path); InputStream second = open(path)) {
            assertThat(vendor(first)).startsWith("Lavf"); // ffmpeg's Ogg muxer, not the Java encoder
            assertThat(vendor(second)).startsWith("Lavf");
            assertThat(second.readNBytes(8_000)).hasSize(8_000); // live pages follow
            assertThat(encoders()).as("libopus children for two listeners").isEqualTo(1);
            assertThatItIsOpusOf(path, 660);
        }
        awaitTrue(() -> encoders() == 0, "the encoder stops with its last listener");
    }

    @Test
    void withoutFfmpegTheOggVersionIsEncodedInJava() throws Exception {
        String path = stream("opus-no-ffmpeg", 550, dir.resolve("no-such-ffmpeg").toString());
        try (InputStream in = open(path)) {
            assertThat(vendor(in)).isEqualTo("Nagare");
        }
        assertThatItIsOpusOf(path, 550);
    }

    @Test
    void anFfmpegThatExitsBeforeItsFirstPageIsReplacedByTheJavaEncoder() throws Exception {
        // An ffmpeg built without libopus exits at once ("Unknown encoder 'libopus'"), as false does.
        Path noOpus = Tools.require("false", "coreutils", "/usr/bin/false", "/bin/false");
        String path = stream("opus-failing-ffmpeg", 770, noOpus.toString());
        try (InputStream in = open(path)) {
            assertThat(vendor(in)).isEqualTo("Nagare");
            assertThat(in.readNBytes(8_000)).hasSize(8_000);
        }
        assertThatItIsOpusOf(path, 770);
    }

    private static InputStream open(String path) throws Exception {
        HttpResponse<InputStream> res = server.http().send(HttpRequest.newBuilder(server.uri(path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("audio/ogg");
        return res.body();
    }

    /** Reads the two header pages (OpusHead, OpusTags) and returns the OpusTags vendor string. */
    private static String vendor(InputStream in) throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        for (int page = 0; page < 2; page++) {
            byte[] head = in.readNBytes(27);
            assertThat(new String(head, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("OggS");
            assertThat(ByteBuffer.wrap(head, 6, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()).as("a header page's granule")
                    .isZero();
            byte[] lacing = in.readNBytes(head[26] & 0xff);
            int body = 0;
            for (byte l : lacing) {
                body += l & 0xff;
            }
            bodies.add(in.readNBytes(body));
        }
        assertThat(new String(bodies.get(0), 0, 8, StandardCharsets.US_ASCII)).isEqualTo("OpusHead");
        ByteBuffer tags = ByteBuffer.wrap(bodies.get(1)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(bodies.get(1), 0, 8, StandardCharsets.US_ASCII)).isEqualTo("OpusTags");
        return new String(bodies.get(1), 12, tags.getInt(8), StandardCharsets.UTF_8);
    }

    /** ffprobe reads 48 kHz mono Opus in Ogg; ffmpeg decodes three seconds of it to the stream's tone. */
    private void assertThatItIsOpusOf(String path, double hz) throws Exception {
        String auth = "Authorization: Bearer " + token + "\r\n";
        JsonObject probe = new JsonObject(run(ffprobe.toString(), "-v", "error", "-headers", auth, "-show_streams",
                "-show_format", "-of", "json", server.baseUrl() + path));
        JsonObject s = probe.getJsonArray("streams").getJsonObject(0);
        assertThat(probe.getJsonObject("format").getString("format_name")).isEqualTo("ogg");
        assertThat(s.getString("codec_name")).isEqualTo("opus");
        assertThat(s.getString("sample_rate")).isEqualTo("48000");
        assertThat(s.getInteger("channels")).isEqualTo(1);
        Path wav = dir.resolve("decoded-" + (int) hz + ".wav");
        run(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-headers", auth, "-i", server.baseUrl() + path,
                "-t", "3", "-ac", "1", "-ar", "48000", "-c:a", "pcm_s16le", wav.toString());
        assertThat(AudioStreamTest.frequency(wav)).isCloseTo(hz, org.assertj.core.data.Percentage.withPercentage(1));
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd)).isZero();
        return out;
    }

    /** This JVM's libopus encoders (ffmpeg children); the test's own ffmpeg and ffprobe only decode. */
    private static long encoders() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains("-c:a libopus")).orElse(false)).count();
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            Thread.sleep(50); // child processes announce nothing to a test: polled, with a deadline
        }
    }
}
