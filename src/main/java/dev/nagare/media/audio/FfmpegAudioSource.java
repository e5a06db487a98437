package dev.nagare.media.audio;

import dev.nagare.media.FfmpegProcess;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Audio from an ffmpeg process: any input ffmpeg reads (ALSA/PulseAudio, avfoundation, dshow,
 * RTSP, a file, lavfi), resampled and mixed to the stream's format on ffmpeg's side, read as raw
 * 16-bit PCM from its stdout in 20 ms chunks. Restarted with backoff ({@link FfmpegProcess}) when it
 * dies; silence is sent meanwhile so players keep their place.
 */
public final class FfmpegAudioSource implements AudioSource {
    /** How long the reader waits between reads while no one needs each chunk at once. */
    static final long PACED_MS = 100;
    private final String name;
    private final String ffmpeg;
    private final List<String> input;
    private final PcmFormat format;
    private FfmpegProcess process; // guarded by this

    public FfmpegAudioSource(String name, String ffmpeg, List<String> input, PcmFormat format) {
        this.name = name;
        this.ffmpeg = ffmpeg;
        this.input = List.copyOf(input);
        this.format = format;
    }

    @Override
    public PcmFormat format() {
        return format;
    }

    List<String> command() {
        return FfmpegProcess.command(ffmpeg, input, pcmOutput(format));
    }

    /** ffmpeg's output options for raw 16-bit PCM in {@code format} on stdout (every ffmpeg-fed source). */
    static List<String> pcmOutput(PcmFormat format) {
        return List.of("-vn", "-f", "s16le", "-acodec", "pcm_s16le", "-ar", Integer.toString(format.sampleRate()),
                "-ac", Integer.toString(format.channels()), "pipe:1");
    }

    /** Reads {@code in} as 20 ms chunks of {@code format} into {@code sink} while {@code running}, until it ends. */
    static void readChunks(java.io.InputStream in, PcmFormat format, Consumer<byte[]> sink,
            java.util.function.BooleanSupplier running) throws java.io.IOException {
        readChunks(in, format, sink, running, () -> true);
    }

    /**
     * As above; while not {@code lowLatency}, the pipe is read every {@link #PACED_MS} ms or so, all it
     * holds at once, instead of waking up for each of ffmpeg's writes (about 50 a second): on this
     * machine's kind of VM a wake-up costs more CPU than the chunk it brings. The pipe holds the audio
     * meanwhile (64 KB on Linux; the pause is shortened so that half of that is never exceeded).
     */
    static void readChunks(java.io.InputStream in, PcmFormat format, Consumer<byte[]> sink,
            java.util.function.BooleanSupplier running, java.util.function.BooleanSupplier lowLatency)
            throws java.io.IOException {
        int chunkBytes = format.bytesPerSecond() * ToneSource.CHUNK_MS / 1000;
        long pause = TimeUnit.MILLISECONDS.toNanos(
                Math.max(ToneSource.CHUNK_MS, Math.min(PACED_MS, 32_768L * 1000 / format.bytesPerSecond())));
        long next = System.nanoTime();
        try {
            while (running.getAsBoolean()) {
                if (!lowLatency.getAsBoolean() && in.available() < chunkBytes) {
                    // At a fixed rate, not a fixed pause: a second's batch then completes every second on
                    // the dot, not 1.0 to 1.1 s apart.
                    next += pause;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } else {
                        next = System.nanoTime(); // behind, or just back from low latency: a new cadence
                    }
                }
                byte[] chunk = in.readNBytes(chunkBytes);
                if (chunk.length < chunkBytes) {
                    return;
                }
                sink.accept(chunk);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopped
        }
    }

    @Override
    public void start(Consumer<byte[]> sink) {
        start(sink, () -> true);
    }

    @Override
    public synchronized void start(Consumer<byte[]> sink, java.util.function.BooleanSupplier lowLatency) {
        if (process != null) {
            return;
        }
        int chunkBytes = format.bytesPerSecond() * ToneSource.CHUNK_MS / 1000;
        process = new FfmpegProcess("audio stream " + name, command(), (in, running) -> readChunks(in, format, sink, running, lowLatency),
                (millis, running) -> {
                    // Silence while ffmpeg is down, paced in real time, so players keep their place.
                    long until = System.currentTimeMillis() + millis;
                    while (running.getAsBoolean() && System.currentTimeMillis() < until) {
                        sink.accept(new byte[chunkBytes]);
                        Thread.sleep(ToneSource.CHUNK_MS);
                    }
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
}
