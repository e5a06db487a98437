package dev.nagare.media.audio;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The default audio source: a sine tone (440 Hz unless configured), generated in real time in
 * 20 ms chunks on its own thread, with a continuous phase so chunks join without clicks.
 */
public final class ToneSource implements AudioSource {
    static final int CHUNK_MS = 20;

    private final PcmFormat format;
    private final double frequency;
    private ScheduledExecutorService thread;
    private ScheduledFuture<?> task;
    private double phase;

    public ToneSource(PcmFormat format, double frequency) {
        if (frequency <= 0 || frequency >= format.sampleRate() / 2.0) {
            throw new IllegalArgumentException("frequency must be between 0 and half the sample rate");
        }
        this.format = format;
        this.frequency = frequency;
    }

    @Override
    public PcmFormat format() {
        return format;
    }

    @Override
    public synchronized void start(Consumer<byte[]> sink) {
        if (thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nagare-tone");
            t.setDaemon(true);
            return t;
        });
        task = thread.scheduleAtFixedRate(() -> sink.accept(chunk()), 0, CHUNK_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (thread != null) {
            task.cancel(false);
            thread.shutdown();
            thread = null;
        }
    }

    /** The next 20 ms of 16-bit little-endian samples, all channels equal. */
    byte[] chunk() {
        int frames = format.sampleRate() * CHUNK_MS / 1000;
        byte[] out = new byte[frames * format.channels() * 2];
        double step = 2 * Math.PI * frequency / format.sampleRate();
        int i = 0;
        for (int f = 0; f < frames; f++) {
            short s = (short) Math.round(Math.sin(phase) * 0.5 * Short.MAX_VALUE);
            phase += step;
            if (phase > 2 * Math.PI) {
                phase -= 2 * Math.PI;
            }
            for (int c = 0; c < format.channels(); c++) {
                out[i++] = (byte) s;
                out[i++] = (byte) (s >> 8);
            }
        }
        return out;
    }
}
