package dev.nagare.media.video;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames from an ffmpeg process: any input ffmpeg reads (a v4l2 camera, avfoundation, dshow, RTSP,
 * a file, lavfi) is scaled, paced and encoded to MJPEG on ffmpeg's side and read from its stdout.
 * When ffmpeg dies it is restarted with backoff (1 s doubling to 30 s), and viewers get a "no signal"
 * frame meanwhile. The reader is a plain thread: reading a pipe blocks.
 */
public final class FfmpegSource implements VideoSource {
    private static final Logger LOG = LoggerFactory.getLogger(FfmpegSource.class);
    private static final int MAX_FRAME = 8 * 1024 * 1024;

    private final String name;
    private final String ffmpeg;
    private final List<String> input;
    private final VideoSettings settings;
    private volatile boolean running;
    private Thread thread;
    private volatile Process process;

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
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin"));
        cmd.addAll(input);
        int q = Math.max(2, Math.min(31, Math.round(31 - settings.quality() * 29)));
        cmd.addAll(List.of("-an", "-vf", "scale=" + settings.width() + ":" + settings.height(),
                "-r", Integer.toString(settings.fps()), "-f", "mjpeg", "-q:v", Integer.toString(q), "pipe:1"));
        return cmd;
    }

    @Override
    public synchronized void start(Consumer<Frame> sink) {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(() -> run(sink), "nagare-ffmpeg-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        Process p = process;
        if (p != null) {
            p.destroy();
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void run(Consumer<Frame> sink) {
        long backoff = 1000;
        long sequence = 0;
        while (running) {
            long started = System.currentTimeMillis();
            try {
                Process p = new ProcessBuilder(command()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                process = p;
                try (InputStream in = p.getInputStream()) {
                    for (byte[] jpeg; running && (jpeg = nextJpeg(in)) != null; ) {
                        sink.accept(Frame.of(jpeg, sequence++, System.currentTimeMillis()));
                    }
                }
                int code = p.waitFor();
                if (running) {
                    LOG.warn("ffmpeg for video stream {} exited with {}; restarting in {} ms", name, code, backoff);
                }
            } catch (IOException e) {
                LOG.warn("ffmpeg for video stream {} could not run ({}); retrying in {} ms", name, e.getMessage(), backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!running) {
                return;
            }
            sink.accept(Frame.of(NoSignal.jpeg(settings), sequence++, System.currentTimeMillis()));
            if (System.currentTimeMillis() - started > 60_000) {
                backoff = 1000; // it ran for a while: start the backoff over
            }
            try {
                Thread.sleep(backoff); // restart backoff, on this source's own thread
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(30_000, backoff * 2);
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
