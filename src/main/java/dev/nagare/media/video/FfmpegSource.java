package dev.nagare.media.video;

import dev.nagare.media.FfmpegProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * Frames from an ffmpeg process: any input ffmpeg reads (a v4l2 camera, avfoundation, dshow, RTSP,
 * a file, lavfi) is scaled, paced and encoded to MJPEG on ffmpeg's side and read from its stdout.
 * When ffmpeg dies it is restarted with backoff ({@link FfmpegProcess}), and viewers get a "no signal"
 * frame meanwhile.
 */
public final class FfmpegSource implements VideoSource {
    private static final int MAX_FRAME = 8 * 1024 * 1024;

    private final String name;
    private final String ffmpeg;
    private final List<String> input;
    private final VideoSettings settings;
    private FfmpegProcess process; // guarded by this
    private long sequence;         // the process thread only

    public FfmpegSource(String name, String ffmpeg, List<String> input, VideoSettings settings) {
        this.name = name;
        this.ffmpeg = ffmpeg;
        this.input = List.copyOf(input);
        this.settings = settings;
    }

    @Override
    public VideoSettings settings() {
        return settings;
    }

    /** The ffmpeg command line: input arguments, then scale, rate and JPEG quality (2 best .. 31). */
    List<String> command() {
        int q = Math.max(2, Math.min(31, Math.round(31 - settings.quality() * 29)));
        return FfmpegProcess.command(ffmpeg, input, List.of("-an", "-vf",
                "scale=" + settings.width() + ":" + settings.height(), "-r", Integer.toString(settings.fps()),
                "-f", "mjpeg", "-q:v", Integer.toString(q), "pipe:1"));
    }

    @Override
    public synchronized void start(Consumer<Frame> sink) {
        if (process != null) {
            return;
        }
        process = new FfmpegProcess("video stream " + name, command(), (in, running) -> {
            for (byte[] jpeg; running.getAsBoolean() && (jpeg = nextJpeg(in)) != null; ) {
                sink.accept(Frame.of(jpeg, sequence++, System.currentTimeMillis()));
            }
        }, (millis, running) -> {
            sink.accept(Frame.of(NoSignal.jpeg(settings), sequence++, System.currentTimeMillis()));
            Thread.sleep(millis);
        });
        process.start();
    }

    @Override
    public synchronized void stop() {
        if (process != null) {
            process.stop();
            process = null;
        }
    }

    /** The next complete JPEG (SOI .. EOI) from the stream, or null at its end. */
    static byte[] nextJpeg(InputStream in) throws IOException {
        int prev = -1;
        for (int c; (c = in.read()) >= 0; prev = c) {
            if (prev == 0xFF && c == 0xD8) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
                out.write(0xFF);
                out.write(0xD8);
                int p = -1;
                for (int d; (d = in.read()) >= 0; p = d) {
                    out.write(d);
                    // Inside entropy-coded data 0xFF is always followed by 0x00 (stuffing), so
                    // FF D9 can only be the end-of-image marker.
                    if (p == 0xFF && d == 0xD9) {
                        return out.toByteArray();
                    }
                    if (out.size() > MAX_FRAME) {
                        throw new IOException("frame larger than " + MAX_FRAME + " bytes");
                    }
                }
                return null;
            }
        }
        return null;
    }
}
