package dev.nagare.media.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.Tools;
import java.io.File;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The default tone stream, recorded by ffmpeg and analysed: it really plays, at the right pitch. */
class AudioStreamTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern"));

    @TempDir
    Path dir;

    static String token;

    @BeforeAll
    static void token() throws Exception {
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        token = server.nagare().tokens().create(admin, "audio-test", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
    }

    /** Positive-going zero crossings per second of 16-bit mono samples. */
    static double frequency(Path wav) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new File(wav.toString()))) {
            byte[] b = in.readAllBytes();
            int frames = b.length / 2;
            int crossings = 0;
            short prev = 0;
            for (int i = 0; i < frames; i++) {
                short s = (short) ((b[2 * i] & 0xff) | (b[2 * i + 1] << 8));
                if (prev < 0 && s >= 0) {
                    crossings++;
                }
                prev = s;
            }
            return crossings / (frames / (double) in.getFormat().getSampleRate());
        }
    }

    /** ffmpeg records {@code seconds} of {@code path} into a WAV file (extra output options after the input). */
    private Path record(String path, int seconds, String file, String... outputOptions) throws Exception {
        Path ffmpeg = Tools.require("ffmpeg", "apt-get install ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
        Path out = dir.resolve(file);
        List<String> cmd = new java.util.ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error",
                "-headers", "Authorization: Bearer " + token + "\r\n", "-i", server.baseUrl() + path, "-t", Integer.toString(seconds)));
        cmd.addAll(List.of(outputOptions));
        cmd.addAll(List.of("-c:a", "pcm_s16le", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        return out;
    }

    @Test
    void aListenerAskingForSixteenKilohertzGetsTheSameToneResampled() throws Exception {
        Path out = record("/audio/default.wav?rate=16000", 3, "recorded-16k.wav");
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new File(out.toString()))) {
            assertThat(in.getFormat().getSampleRate()).isEqualTo(16_000f);
        }
        assertThat(frequency(out)).isCloseTo(440.0, org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void ffmpegRecordsFiveSecondsOfThe440HzToneFromTheWavEndpoint() throws Exception {
        Path out = record("/audio/default.wav", 5, "recorded.wav");
        assertThat(Files.size(out)).isGreaterThan(4L * 48_000 * 2);
        assertThat(frequency(out)).isCloseTo(440.0, org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void theOggOpusEndpointDecodesToTheSameToneWithAFractionOfTheBandwidth() throws Exception {
        Path out = record("/audio/default.ogg", 4, "from-ogg.wav", "-ac", "1", "-ar", "48000");
        assertThat(frequency(out)).isCloseTo(440.0, org.assertj.core.data.Percentage.withPercentage(1));

        HttpResponse<java.io.InputStream> res = server.http().send(HttpRequest.newBuilder(server.uri("/audio/default.ogg"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (var in = res.body()) {
            assertThat(res.headers().firstValue("Content-Type")).hasValue("audio/ogg");
            long start = System.nanoTime();
            long bytes = 0;
            while (System.nanoTime() - start < 2_000_000_000L) {
                bytes += in.readNBytes(1024).length;
            }
            double perSecond = bytes / ((System.nanoTime() - start) / 1e9);
            assertThat(perSecond).as("Ogg/Opus bytes/s vs 96,000 for WAV").isLessThan(20_000);
        }
    }

    @Test
    void theGuidesAudioFeedIsTheDefaultStreamAsAWavThatStartsWithItsHeader() throws Exception {
        HttpResponse<java.io.InputStream> res = server.http().send(HttpRequest.newBuilder(server.uri("/audio_feed"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (var in = res.body()) {
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("Content-Type")).hasValue("audio/wav");
            byte[] head = in.readNBytes(44);
            assertThat(new String(head, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RIFF");
            assertThat(in.readNBytes(48_000)).hasSize(48_000); // half a second of samples arrives
        }
    }

    @Test
    void listeningNeedsALoginOrToken() throws Exception {
        HttpResponse<String> res = server.get("/audio/default.wav");
        assertThat(res.statusCode()).isEqualTo(401);
    }
}
