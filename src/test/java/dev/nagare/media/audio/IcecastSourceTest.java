package dev.nagare.media.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.Tools;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standard encoders on both sides: ffmpeg publishes through its {@code icecast://} protocol, as butt
 * or darkice would, and players that lack Opus read {@code /audio/NAME.mp3}, encoded once per stream.
 */
class IcecastSourceTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.AUDIO_SOURCE_IDLE_TIMEOUT, "2"));

    @TempDir
    Path dir;

    static String adminToken;
    static String userToken;
    static Path ffmpeg;

    @BeforeAll
    static void tokens() throws Exception {
        ffmpeg = Tools.require("ffmpeg", "apt-get install ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        adminToken = server.nagare().tokens().create(admin, "encoder", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
        Account user = server.nagare().accounts().create("listener", "velvet thunder orchard", Role.USER)
                .await(10, TimeUnit.SECONDS);
        userToken = server.nagare().tokens().create(user, "t", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
    }

    /*
     * Readers skip their first half second (-ss 0.5): an MP3 encoder starts with about 25 ms of
     * near-silence (its priming delay), whose noise would count as zero crossings.
     */

    /** ffmpeg sending an 880 Hz tone as Ogg/Opus to {@code /audio/NAME/source} for {@code seconds}. */
    private Process publish(String name, int seconds) throws Exception {
        return new ProcessBuilder(List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=48000", "-t", Integer.toString(seconds),
                "-c:a", "libopus", "-b:a", "64k", "-f", "ogg", "-content_type", "audio/ogg",
                "icecast://source:" + adminToken + "@127.0.0.1:" + server.nagare().port() + "/audio/" + name + "/source"))
                .redirectErrorStream(true).start();
    }

    @Test
    void ffmpegPublishesTheMp3VersionCarriesItsToneAndTheStreamEndsWithTheSource() throws Exception {
        Process publisher = publish("radio", 30);
        try {
            awaitTrue(() -> server.nagare().audio().streams().containsKey("radio"), "the stream appears");
            assertThat(decoders()).as("one ffmpeg decodes the source").isEqualTo(1);

            Path wav = dir.resolve("from-mp3.wav");
            Process reader = new ProcessBuilder(List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error",
                    "-headers", "Authorization: Bearer " + adminToken + "\r\n", "-i", server.baseUrl() + "/audio/radio.mp3",
                    "-ss", "0.5", "-t", "3", "-ac", "1", "-ar", "48000", "-c:a", "pcm_s16le", wav.toString())).redirectErrorStream(true).start();
            String log = new String(reader.getInputStream().readAllBytes());
            assertThat(reader.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(reader.exitValue()).as(log).isZero();
            assertThat(AudioStreamTest.frequency(wav)).isCloseTo(880.0, org.assertj.core.data.Percentage.withPercentage(1));
            assertThat(soxFrequency(wav)).isCloseTo(880.0, org.assertj.core.data.Percentage.withPercentage(2));

            // A second encoder for the same name is refused while the first publishes.
            Reply second = source("PUT", "radio", "Basic " + basic(adminToken), "audio/ogg", true);
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.body()).contains("\"error\"").contains("radio");
        } finally {
            publisher.destroy();
            assertThat(publisher.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        awaitTrue(() -> !server.nagare().audio().streams().containsKey("radio"), "the stream ends with its source");
        awaitTrue(() -> decoders() == 0, "the decoding ffmpeg is gone");
    }

    @Test
    void twoMp3ListenersShareOneEncoderWhichStopsWithTheLast() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(server.uri("/audio/default.mp3"))
                .header("Authorization", "Bearer " + userToken).build();
        var first = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        var second = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream a = first.body(); InputStream b = second.body()) {
            assertThat(first.headers().firstValue("Content-Type")).hasValue("audio/mpeg");
            assertThat(a.readNBytes(4000)).hasSize(4000); // about a quarter second at 128 kbit/s
            assertThat(b.readNBytes(4000)).hasSize(4000);
            assertThat(encoders()).as("MP3 encoders for two listeners").isEqualTo(1);
        }
        awaitTrue(() -> encoders() == 0, "the encoder stops with its last listener");
    }

    @Test
    void withoutATokenTheEncoderIsAskedForBasicCredentials() throws Exception {
        Reply r = source("PUT", "nobody", null, "audio/ogg", true);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.head()).containsIgnoringCase("WWW-Authenticate: Basic");
        assertThat(r.body()).contains("\"error\"");
    }

    @Test
    void aWrongTokenIsRefused() throws Exception {
        Reply r = source("PUT", "wrong", "Basic " + basic("not-a-token"), "audio/ogg", true);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("\"unauthorized\"").contains("audio/wrong");
    }

    @Test
    void anAccountWithoutTheBroadcastRightIsRefused() throws Exception {
        Reply r = source("PUT", "mine", "Basic " + basic(userToken), "audio/ogg", true);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("broadcast:audio/mine");
        assertThat(server.nagare().audio().streams()).doesNotContainKey("mine");
    }

    @Test
    void aFormatOtherThanOggOrMp3IsRefused() throws Exception {
        Reply r = source("PUT", "flac", "Basic " + basic(adminToken), "audio/flac", true);
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.body()).contains("audio/ogg").contains("audio/mpeg");
    }

    @Test
    void aSourceThatSendsNothingIsCutOffAfterTheIdleTimeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.nagare().port())) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(head("PUT", "silent", "Basic " + basic(adminToken), "audio/ogg", true)
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 100 Continue");
            awaitTrue(() -> server.nagare().audio().streams().containsKey("silent"), "the stream is claimed");
            Reply r = reply(in); // nothing sent: after 2 s the server gives up
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.body()).contains("No audio for 2 s");
        }
        awaitTrue(() -> !server.nagare().audio().streams().containsKey("silent"), "the name is free again");
    }

    @Test
    void theLegacySourceMethodIsAnsweredAsIcecastDoesAndItsMp3Decoded() throws Exception {
        Process encoder = new ProcessBuilder(List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=48000", "-t", "20", "-c:a", "libmp3lame",
                "-b:a", "128k", "-f", "mp3", "pipe:1")).start();
        try (Socket s = new Socket("127.0.0.1", server.nagare().port())) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(head("SOURCE", "legacy", "Basic " + basic(adminToken), "audio/mpeg", false)
                    .replace(" HTTP/1.1\r\n", " HTTP/1.0\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(s.getInputStream())).isEqualTo("HTTP/1.0 200 OK\r\n\r\n"); // as Icecast 2 answers
            Thread copy = new Thread(() -> {
                try {
                    encoder.getInputStream().transferTo(out);
                } catch (java.io.IOException e) {
                    // the test closed the socket
                }
            });
            copy.setDaemon(true);
            copy.start();
            awaitTrue(() -> server.nagare().audio().streams().containsKey("legacy"), "the stream appears");
            Path wav = dir.resolve("legacy.wav");
            Process reader = new ProcessBuilder(List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error",
                    "-headers", "Authorization: Bearer " + adminToken + "\r\n", "-i", server.baseUrl() + "/audio/legacy.wav?channels=1",
                    "-ss", "0.5", "-t", "2", "-c:a", "pcm_s16le", wav.toString())).redirectErrorStream(true).start();
            String log = new String(reader.getInputStream().readAllBytes());
            assertThat(reader.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(reader.exitValue()).as(log).isZero();
            assertThat(AudioStreamTest.frequency(wav)).isCloseTo(880.0, org.assertj.core.data.Percentage.withPercentage(1));
        } finally {
            encoder.destroy();
        }
        awaitTrue(() -> !server.nagare().audio().streams().containsKey("legacy"), "the stream ends with its socket");
    }

    /** ffmpeg children of this JVM whose command line contains {@code part}. */
    private static long children(String part) {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(part)).orElse(false)).count();
    }

    private static long encoders() {
        return children("libmp3lame -b:a");
    }

    private static long decoders() {
        return children("-re -f ogg -i pipe:0");
    }

    /** sox's "Rough frequency" of a WAV file. */
    private static double soxFrequency(Path wav) throws Exception {
        Path sox = Tools.require("sox", "apt-get install sox", "/usr/bin/sox", "/usr/local/bin/sox");
        Process p = new ProcessBuilder(sox.toString(), wav.toString(), "-n", "stat").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Matcher m = Pattern.compile("Rough\\s+frequency:\\s+(\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String basic(String token) {
        return Base64.getEncoder().encodeToString(("source:" + token).getBytes(StandardCharsets.UTF_8));
    }

    private static String head(String method, String name, String authorization, String type, boolean expect) {
        StringBuilder b = new StringBuilder(method + " /audio/" + name + "/source HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: " + type + "\r\nIce-Public: 0\r\n");
        if (authorization != null) {
            b.append("Authorization: ").append(authorization).append("\r\n");
        }
        if (expect) {
            b.append("Expect: 100-continue\r\n");
        }
        return b.append("\r\n").toString();
    }

    record Reply(int status, String head, String body) { }

    /** One source request as an encoder sends it, and the server's answer (status, head, body). */
    private static Reply source(String method, String name, String authorization, String type, boolean expect) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.nagare().port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(head(method, name, authorization, type, expect).getBytes(StandardCharsets.US_ASCII));
            return reply(s.getInputStream());
        }
    }

    private static Reply reply(InputStream in) throws Exception {
        String head = readHead(in);
        Matcher length = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
        String body = length.find() ? new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8) : "";
        return new Reply(Integer.parseInt(head.split(" ", 3)[1]), head, body);
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                return b.toString();
            }
        }
        throw new AssertionError("connection closed before a full head: " + b);
    }

    /** Polls {@code condition} every 50 ms for up to 15 s: state that no event announces to a test. */
    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
