package dev.nagare.media.audio;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's PCM on its way to an ffmpeg encoder ({@link Mp3Encoder}, {@link FfmpegOpusPages}), 100 ms
 * at a time: every write wakes the pipe's writer thread and ffmpeg, and on this machine's kind of VM
 * each wake-up costs more than the encoding it carries (feeding libopus every 20 ms took 11 ms of CPU
 * a second, every 100 ms 7 ms). The outputs are gathered into one-second batches anyway, so listeners
 * hear no difference; the WebSocket path never goes through an encoder. PCM that ffmpeg does not take
 * in time (a machine too busy to encode) is dropped, so the source's thread never waits.
 */
final class EncoderFeed {
    private static final Logger LOG = LoggerFactory.getLogger(EncoderFeed.class);
    static final int FEED_MS = 100;

    private final String label;
    private final FfmpegPipe pipe;
    private final int maxQueued;
    private final byte[] pending; // source thread only
    private int filled; // source thread only
    private long dropped; // source thread only

    EncoderFeed(String label, FfmpegPipe pipe, PcmFormat format) {
        this.label = label;
        this.pipe = pipe;
        this.maxQueued = format.bytesPerSecond(); // a second of PCM waiting: ffmpeg is behind
        this.pending = new byte[format.bytesPerSecond() * FEED_MS / 1000];
    }

    /** The source's thread: one chunk of PCM (any size). */
    void write(byte[] pcm) {
        for (int at = 0; at < pcm.length; ) {
            int n = Math.min(pcm.length - at, pending.length - filled);
            System.arraycopy(pcm, at, pending, filled, n);
            filled += n;
            at += n;
            if (filled == pending.length) {
                send();
            }
        }
    }

    private void send() {
        filled = 0;
        if (pipe.queued() > maxQueued) {
            if (dropped++ % 50 == 0) {
                LOG.warn("{} is behind: {} x {} ms of PCM dropped so far", label, dropped, FEED_MS);
            }
            return;
        }
        pipe.write(pending.clone()); // the writer thread takes it later
    }
}
