package dev.nagare.media.audio;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Audio an encoder publishes as an Icecast source (ffmpeg's {@code icecast://}, butt, darkice,
 * libshout): its Ogg (Opus, Vorbis) or MP3 bytes are piped into an ffmpeg child that decodes them to
 * 48 kHz stereo PCM, read in 20 ms chunks as {@link FfmpegAudioSource} reads a device. ffmpeg reads
 * its input at the pace of the audio ({@code -re}), so an encoder that sends faster than real time is
 * held back by TCP once {@link #HIGH_WATER} bytes wait. The child runs for as long as the source is
 * connected (its bytes must be taken whether or not anyone listens); chunks reach the stream only while
 * someone listens.
 */
final class IcecastSource extends PushedAudioSource {
    static final PcmFormat FORMAT = new PcmFormat(48_000, 2);
    /** Encoded bytes waiting for ffmpeg past which the source's socket is no longer read. */
    static final int HIGH_WATER = 64 * 1024;

    private final FfmpegPipe pipe;

    /**
     * {@code container}: ffmpeg's demuxer ({@code ogg} or {@code mp3}); {@code ended}: ffmpeg stopped by
     * itself (bad input, or the input ended), with its reason.
     */
    IcecastSource(String name, String ffmpeg, String container, Consumer<String> ended) {
        super(FORMAT);
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
                // A live source: decode as soon as the headers are in, and at the pace of the audio.
                "-probesize", "32768", "-analyzeduration", "500000", "-re", "-f", container, "-i", "pipe:0"));
        cmd.addAll(FfmpegAudioSource.pcmOutput(FORMAT));
        this.pipe = new FfmpegPipe("source " + name, cmd, in -> FfmpegAudioSource.readChunks(in, FORMAT, this::push,
                () -> true), ended);
    }

    /** The ffmpeg container for an Icecast source's Content-Type, or null for one it does not take. */
    static String container(String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        return switch (type) {
            case "audio/ogg", "application/ogg", "audio/opus", "audio/vorbis" -> "ogg";
            case "audio/mpeg", "audio/mp3" -> "mp3";
            default -> null;
        };
    }

    List<String> command() {
        return pipe.command();
    }

    /** @throws IOException when ffmpeg cannot be started */
    void open() throws IOException {
        pipe.start();
    }

    /**
     * The source's next bytes (its connection's event loop). Returns false when more than
     * {@link #HIGH_WATER} bytes wait: stop reading until {@code resume} runs (on the writer's thread).
     */
    boolean feed(byte[] encoded, Runnable resume) {
        if (pipe.write(encoded) <= HIGH_WATER) {
            return true;
        }
        pipe.onWritten(left -> {
            if (left <= HIGH_WATER / 2) {
                pipe.onWritten(n -> { });
                resume.run();
            }
        });
        if (pipe.queued() <= HIGH_WATER / 2) { // drained meanwhile: the writer may not write again
            pipe.onWritten(n -> { });
            return true;
        }
        return false;
    }

    /** The source left (or was cut off): ffmpeg is killed. */
    void close() {
        pipe.stop();
    }
}
