package dev.nagare.media.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.Tools;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP listeners get the stream in few, large writes: one per second of audio and listener, not one per
 * 20 ms chunk (what a listener costs follows its writes). Each write is one HTTP chunk of the response,
 * so a raw client sees them: the WAV header, then whole one-second batches, back to back.
 */
class AudioBatchesTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern"));

    static String token;

    @BeforeAll
    static void token() throws Exception {
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        token = server.nagare().tokens().create(admin, "batches", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
    }

    @Test
    void aWavListenerGetsTheHeaderThenOneSecondOfSamplesPerWrite() throws Exception {
        List<byte[]> writes = writes("/audio/default.wav", 4);
        assertThat(new String(writes.get(0), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(writes.get(0)).hasSize(44);
        int chunk = 48_000 * 2 / 50; // 20 ms of the default stream: 48 kHz mono, 16-bit
        for (byte[] w : writes.subList(1, writes.size())) {
            assertThat(w).as("one write").hasSize(AudioStream.BATCH_CHUNKS * chunk);
        }
    }

    @Test
    void anOggListenerGetsTheHeaderPagesThenAboutASecondOfConsecutivePagesPerWrite() throws Exception {
        List<byte[]> writes = writes("/audio/default.ogg", 4);
        assertThat(pages(writes.get(0))).extracting(p -> p[0]).containsExactly(0L, 1L); // OpusHead, OpusTags
        List<long[]> pages = new ArrayList<>();
        long lastGranule = -1;
        for (byte[] w : writes.subList(1, writes.size())) {
            List<long[]> inWrite = pages(w);
            long granule = inWrite.get(inWrite.size() - 1)[1];
            if (lastGranule >= 0) { // Opus granules count 48 kHz samples: a write holds about a second
                assertThat(granule - lastGranule).as("samples in one write").isBetween(43_200L, 52_800L);
            }
            lastGranule = granule;
            pages.addAll(inWrite);
        }
        // The writes follow each other without a gap: the stream is continuous (the first may be the burst).
        for (int i = 1; i < pages.size(); i++) {
            assertThat(pages.get(i)[0]).as("page after %d", pages.get(i - 1)[0]).isEqualTo(pages.get(i - 1)[0] + 1);
        }
    }

    @Test
    void anMp3ListenerGetsAboutASecondOfFramesPerWrite() throws Exception {
        Tools.require("ffmpeg", "apt-get install ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
        List<byte[]> writes = writes("/audio/default.mp3", 3);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] w : writes) {
            assertThat(w.length).as("one write").isGreaterThanOrEqualTo(AudioStream.MP3_BITRATE / 8);
            all.write(w);
        }
        byte[] mp3 = all.toByteArray();
        assertThat(mp3[0] & 0xff).as("an MPEG audio frame sync").isEqualTo(0xff);
        assertThat(mp3[1] & 0xe0).isEqualTo(0xe0);
    }

    /** The first {@code count} HTTP chunks (writes) of a response to GET {@code path}. */
    private static List<byte[]> writes(String path, int count) throws IOException {
        URI base = URI.create(server.baseUrl());
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getAuthority()
                    + "\r\nAuthorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(s.getInputStream());
            assertThat(line(in)).startsWith("HTTP/1.1 200");
            boolean chunked = false;
            for (String h; !(h = line(in)).isEmpty(); ) {
                chunked |= h.equalsIgnoreCase("transfer-encoding: chunked");
            }
            assertThat(chunked).as("a chunked response: one chunk per write").isTrue();
            List<byte[]> out = new ArrayList<>();
            while (out.size() < count) {
                int size = Integer.parseInt(line(in).trim(), 16);
                byte[] chunk = in.readNBytes(size);
                assertThat(chunk).hasSize(size);
                assertThat(line(in)).isEmpty();
                out.add(chunk);
            }
            return out;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            assertThat(c).as("the response goes on").isNotNegative();
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** The sequence number and granule position of each Ogg page that makes up {@code bytes} exactly. */
    static List<long[]> pages(byte[] bytes) {
        List<long[]> pages = new ArrayList<>();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while (at < bytes.length) {
            assertThat(new String(bytes, at, 4, StandardCharsets.US_ASCII)).as("a page at %d", at).isEqualTo("OggS");
            pages.add(new long[] {b.getInt(at + 18) & 0xffffffffL, b.getLong(at + 6)});
            int segments = bytes[at + 26] & 0xff;
            int body = 0;
            for (int i = 0; i < segments; i++) {
                body += bytes[at + 27 + i] & 0xff;
            }
            at += 27 + segments + body;
        }
        assertThat(at).as("whole pages").isEqualTo(bytes.length);
        return pages;
    }
}
