package dev.nagare.media.audio;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's MP3 version ({@code /audio/NAME.mp3}, for players without Opus): one ffmpeg child
 * (libmp3lame, constant bitrate) per stream, started by the first MP3 listener and stopped with the
 * last, fed the stream's PCM once for all of them. Its output is gathered into batches of about a
 * second, like the other HTTP outputs. Fed 100 ms at a time, dropping what ffmpeg does not take in
 * time ({@link EncoderFeed}), so the source's thread never waits for it.
 */
final class Mp3Encoder {
    private static final Logger LOG = LoggerFactory.getLogger(Mp3Encoder.class);

    private final FfmpegPipe pipe;
    private final EncoderFeed feed;
    private final int batchBytes;
    private volatile io.vertx.core.buffer.Buffer last;

    /** {@code batches}: each second or so of MP3, on the encoder's reader thread. */
    Mp3Encoder(String name, String ffmpeg, PcmFormat format, int bitrate, Consumer<io.vertx.core.buffer.Buffer> batches) {
        this.batchBytes = bitrate / 8;
        List<String> cmd = List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
                "-f", "s16le", "-ar", Integer.toString(format.sampleRate()), "-ac", Integer.toString(format.channels()),
                "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", Integer.toString(bitrate),
                // A live stream: no Xing/LAME summary frame or ID3 tag up front, each frame out at once.
                "-write_xing", "0", "-id3v2_version", "0", "-flush_packets", "1", "-f", "mp3", "pipe:1");
        this.pipe = new FfmpegPipe("mp3 " + name, cmd, in -> read(in, batches),
                reason -> LOG.warn("MP3 encoder of audio stream {} stopped: {}", name, reason));
        this.feed = new EncoderFeed("MP3 encoder of audio stream " + name, pipe, format);
    }

    /** @throws IOException when ffmpeg cannot be started */
    void start() throws IOException {
        pipe.start();
    }

    /** The source's thread: one chunk of PCM to encode. */
    void encode(byte[] pcm) {
        feed.write(pcm);
    }

    /** The last batch, which a new listener starts with (empty before the first). */
    List<io.vertx.core.buffer.Buffer> burst() {
        io.vertx.core.buffer.Buffer b = last;
        return b == null ? List.of() : List.of(b);
    }

    void stop() {
        pipe.stop();
    }

    private void read(InputStream in, Consumer<io.vertx.core.buffer.Buffer> batches) throws IOException {
        byte[] buf = new byte[8192];
        io.vertx.core.buffer.Buffer filling = io.vertx.core.buffer.Buffer.buffer(batchBytes + buf.length);
        for (int n; (n = in.read(buf)) > 0; ) {
            filling.appendBytes(buf, 0, n);
            if (filling.length() >= batchBytes) {
                io.vertx.core.buffer.Buffer full = dev.nagare.web.NettyChannels.offHeap(filling); // shared by every listener
                last = full;
                batches.accept(full);
                filling = io.vertx.core.buffer.Buffer.buffer(batchBytes + buf.length);
            }
        }
    }
}
