package dev.nagare.media.audio;

import dev.nagare.web.NettyChannels;
import dev.nagare.wire.OggCodec;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Opus by libopus in one ffmpeg child per stream, fed the stream's PCM once for all {@code .ogg}
 * listeners, as {@link Mp3Encoder} makes the MP3 version: a fraction of the CPU Opus in Java takes
 * (issue 21). ffmpeg's Ogg muxer puts about a second of packets in a page ({@code -page_duration},
 * its default), so a batch is mostly one page and a listener costs about one write per second. Its
 * leading pages with granule 0 are the headers (RFC 7845 section 3: OpusHead, then OpusTags, and
 * audio starts on a new page); each later page is handed on whole once a second of audio is there.
 * Fed 100 ms at a time, dropping what ffmpeg does not take in time ({@link EncoderFeed}), so the
 * source's thread never waits.
 */
final class FfmpegOpusPages implements OpusPages {
    /** Granule positions of Opus count 48 kHz samples whatever the input rate (RFC 7845 section 4). */
    private static final long SECOND = 48_000;

    private final FfmpegPipe pipe;
    private final EncoderFeed feed;
    private final Output output;
    private volatile Buffer last;

    FfmpegOpusPages(String name, String ffmpeg, PcmFormat format, int bitrate, Output output) {
        this.output = output;
        List<String> cmd = List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
                "-f", "s16le", "-ar", Integer.toString(format.sampleRate()), "-ac", Integer.toString(format.channels()),
                "-i", "pipe:0", "-c:a", "libopus", "-b:a", Integer.toString(bitrate), "-frame_duration", "20",
                "-application", "audio", "-map_metadata", "-1",
                // Each page out as soon as the muxer closes it (it holds up to a second of packets).
                "-flush_packets", "1", "-page_duration", "1000000", "-f", "ogg", "pipe:1");
        this.pipe = new FfmpegPipe("opus " + name, cmd, this::read, output::failed);
        this.feed = new EncoderFeed("Opus encoder of audio stream " + name, pipe, format);
    }

    List<String> command() {
        return pipe.command();
    }

    @Override
    public void start() throws IOException {
        pipe.start();
    }

    @Override
    public void encode(byte[] pcm) {
        feed.write(pcm);
    }

    @Override
    public List<Buffer> burst() {
        Buffer b = last;
        return b == null ? List.of() : List.of(b);
    }

    @Override
    public void stop() {
        pipe.stop();
    }

    /** ffmpeg's reader thread: splits its Ogg stream into pages, the headers first, then batches. */
    private void read(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        int have = 0;
        Buffer headers = Buffer.buffer();
        boolean audio = false;
        Buffer batch = Buffer.buffer();
        long batchStart = 0;
        for (int n; (n = in.read(buf, have, buf.length - have)) > 0; ) {
            have += n;
            int at = 0;
            for (int len; (len = pageAt(buf, at, have - at)) != 0; at += len) {
                if (len < 0) { // cannot happen with ffmpeg's Ogg muxer; said, rather than played as noise
                    pipe.stop();
                    output.failed("ffmpeg's output is not Ogg");
                    return;
                }
                long granule = OggCodec.granule(buf, at);
                if (!audio && granule == 0) {
                    headers.appendBytes(buf, at, len);
                    continue;
                }
                if (!audio) {
                    audio = true;
                    output.headers(headers);
                }
                batch.appendBytes(buf, at, len);
                // -1: no packet ends on this page, so it cannot close a batch.
                if (granule != -1 && granule - batchStart >= SECOND * 9 / 10) {
                    Buffer full = NettyChannels.offHeap(batch);
                    last = full;
                    output.batch(full);
                    batch = Buffer.buffer(full.length());
                    batchStart = granule;
                }
            }
            System.arraycopy(buf, at, buf, 0, have - at);
            have -= at;
            if (have == buf.length) { // a page longer than the buffer (at most 27 + 255 + 255 * 255 bytes)
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
        }
    }

    /** The length of the page at {@code at}, 0 when it is not all there yet, -1 when it is not a page. */
    private static int pageAt(byte[] buf, int at, int len) {
        try {
            return OggCodec.pageLength(buf, at, len);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
