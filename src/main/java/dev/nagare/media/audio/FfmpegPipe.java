package dev.nagare.media.audio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ffmpeg child that audio flows through, both ways: bytes queued by {@link #write} go to its stdin
 * on a thread of their own (a full pipe blocks that thread, never the caller), its stdout is read by
 * {@code output} on another. Unlike {@code FfmpegProcess} (a device or file, restarted when it dies),
 * it runs once: what it reads cannot be replayed, so when it exits {@code exited} hears why, with the
 * last line ffmpeg wrote to stderr. Used by {@link IcecastSource} (an encoder's Ogg or MP3 in, PCM out)
 * and {@link Mp3Encoder} (PCM in, MP3 out).
 */
final class FfmpegPipe {
    private static final Logger LOG = LoggerFactory.getLogger(FfmpegPipe.class);
    private static final byte[] END = new byte[0];

    /** Reads ffmpeg's stdout until it ends. */
    @FunctionalInterface
    interface Output {
        void read(InputStream stdout) throws IOException;
    }

    private final String label;
    private final List<String> command;
    private final Output output;
    private final Consumer<String> exited;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile LongConsumer written = n -> { };
    private volatile String lastError = "";
    private volatile Process process;

    /** {@code exited}: called once, on a pipe thread, with ffmpeg's exit and last error line; not after {@link #stop}. */
    FfmpegPipe(String label, List<String> command, Output output, Consumer<String> exited) {
        this.label = label;
        this.command = List.copyOf(command);
        this.output = output;
        this.exited = exited;
    }

    List<String> command() {
        return command;
    }

    /** After each write to stdin, on the writer thread: the bytes still queued (a source resumes reading). */
    void onWritten(LongConsumer queuedAfter) {
        this.written = queuedAfter;
    }

    /** @throws IOException when ffmpeg cannot be started (not installed) */
    void start() throws IOException {
        Process p = new ProcessBuilder(command).start();
        process = p;
        thread("in", () -> pump(p.getOutputStream()));
        thread("out", () -> {
            try (InputStream in = p.getInputStream()) {
                output.read(in);
            } catch (IOException e) {
                // the pipe closed: ffmpeg was stopped or died; its exit says which
            }
            int code = awaitExit(p);
            if (stopped.compareAndSet(false, true)) {
                queue.offer(END);
                exited.accept("ffmpeg exited with " + code + (lastError.isEmpty() ? "" : ": " + lastError));
            }
        });
        thread("err", () -> {
            try (var err = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream()))) {
                for (String line; (line = err.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        lastError = line.strip();
                        LOG.debug("ffmpeg for {}: {}", label, line);
                    }
                }
            } catch (IOException e) {
                // ffmpeg is gone
            }
        });
    }

    /** Any thread: queues {@code bytes} for ffmpeg's stdin; returns how many bytes wait now. */
    long write(byte[] bytes) {
        if (stopped.get() || bytes.length == 0) {
            return queued.get();
        }
        long n = queued.addAndGet(bytes.length);
        queue.offer(bytes);
        return n;
    }

    /** Bytes queued for stdin and not yet taken by ffmpeg. */
    long queued() {
        return queued.get();
    }

    /** Any thread: kills ffmpeg (its remaining input is not wanted); {@code exited} is not called. */
    void stop() {
        if (stopped.compareAndSet(false, true)) {
            queue.offer(END);
            Process p = process;
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    private void pump(OutputStream stdin) {
        try (stdin) {
            for (byte[] b; (b = queue.take()) != END; ) {
                stdin.write(b);
                stdin.flush();
                written.accept(queued.addAndGet(-b.length));
            }
        } catch (IOException e) {
            // ffmpeg closed its stdin (it exited); the reader reports why
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int awaitExit(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void thread(String role, Runnable body) {
        Thread t = new Thread(body, "nagare-ffmpeg-" + label.replace(' ', '-') + "-" + role);
        t.setDaemon(true);
        t.start();
    }
}
