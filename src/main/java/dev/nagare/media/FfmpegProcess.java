package dev.nagare.media;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs and supervises one ffmpeg process for a media source, on its own thread (reading a pipe
 * blocks): {@code output} reads ffmpeg's stdout until it ends; when ffmpeg dies it is restarted
 * with backoff (1 s doubling to 30 s, reset after a minute of good running), and {@code downtime}
 * fills each wait (a "no signal" frame, silence...).
 */
public final class FfmpegProcess {
    private static final Logger LOG = LoggerFactory.getLogger(FfmpegProcess.class);

    /** Reads ffmpeg's stdout while {@code running} says so; returns when the stream ends. */
    @FunctionalInterface
    public interface Output {
        void read(InputStream stdout, BooleanSupplier running) throws IOException;
    }

    /** Fills {@code millis} of downtime before the next restart. */
    @FunctionalInterface
    public interface Downtime {
        void await(long millis, BooleanSupplier running) throws InterruptedException;
    }

    private final String label;
    private final List<String> command;
    private final Output output;
    private final Downtime downtime;
    private volatile boolean running;
    private volatile Process process;
    private Thread thread;

    public FfmpegProcess(String label, List<String> command, Output output, Downtime downtime) {
        this.label = label;
        this.command = List.copyOf(command);
        this.output = output;
        this.downtime = downtime;
    }

    /** {@code ffmpeg -hide_banner -loglevel error -nostdin <input...> <output...>}. */
    public static List<String> command(String ffmpeg, List<String> input, List<String> outputArgs) {
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin"));
        cmd.addAll(input);
        cmd.addAll(outputArgs);
        return cmd;
    }

    public List<String> command() {
        return command;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "nagare-ffmpeg-" + label.replace(' ', '-'));
        thread.setDaemon(true);
        thread.start();
    }

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

    private void run() {
        long backoff = 1000;
        while (running) {
            long started = System.currentTimeMillis();
            try {
                Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                process = p;
                try (InputStream in = p.getInputStream()) {
                    output.read(in, () -> running);
                }
                int code = p.waitFor();
                if (running) {
                    LOG.warn("ffmpeg for {} exited with {}; restarting in {} ms", label, code, backoff);
                }
            } catch (IOException e) {
                LOG.warn("ffmpeg for {} could not run ({}); retrying in {} ms", label, e.getMessage(), backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!running) {
                return;
            }
            if (System.currentTimeMillis() - started > 60_000) {
                backoff = 1000; // it ran for a while: start the backoff over
            }
            try {
                downtime.await(backoff, () -> running);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(30_000, backoff * 2);
        }
    }
}
