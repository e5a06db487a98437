package dev.nagare.media.audio;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;

/**
 * A stream's Ogg/Opus version ({@code /audio/NAME.ogg}), encoded once for all its listeners while
 * someone listens: the header pages every listener starts with, then batches of pages of about a
 * second. {@link FfmpegOpusPages} (libopus in one ffmpeg child, as the MP3 version) is tried first;
 * {@link ConcentusOpusPages} (Opus in Java) when ffmpeg is missing or cannot encode Opus.
 */
interface OpusPages {
    /** What an encoder tells its stream, on the encoder's own thread. */
    interface Output {
        /** Once, before any batch: the OpusHead and OpusTags pages. */
        void headers(Buffer pages);

        /** Whole pages, about a second of audio, off-heap ({@code NettyChannels.offHeap}) to be shared. */
        void batch(Buffer pages);

        /** The encoder stopped by itself ({@link #stop} was not called); why. */
        void failed(String reason);
    }

    /** @throws IOException when the encoder cannot be started (ffmpeg is not installed) */
    void start() throws IOException;

    /** The source's thread: a 20 ms chunk of 16-bit PCM in the stream's format. */
    void encode(byte[] pcm);

    /** The last batch, which a new listener starts with after the headers (empty before the first). */
    List<Buffer> burst();

    void stop();
}
