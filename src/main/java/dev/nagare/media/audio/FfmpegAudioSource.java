package dev.nagare.media.audio;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audio from an ffmpeg process: any input ffmpeg reads (ALSA/PulseAudio, avfoundation, dshow,
 * RTSP, a file, lavfi), resampled and mixed to the stream's format on ffmpeg's side, read as raw
 * 16-bit PCM from its stdout in 20 ms chunks. Restarted with backoff (1 s doubling to 30 s) when it
 * dies; silence is sent meanwhile so players keep their place.
 */
public final class FfmpegAudioSource implements AudioSource {
    private static final Logger LOG = LoggerFactory.getLogger(FfmpegAudioSource.class);

    private final String name;
    private final String ffmpeg;
    private final List<String> input;
    private final PcmFormat format;
    private volatile boolean running;
    private Thread thread;
    private volatile Process process;

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
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin"));
        cmd.addAll(input);
        cmd.addAll(List.of("-vn", "-f", "s16le", "-acodec", "pcm_s16le", "-ar", Integer.toString(format.sampleRate()),
                "-ac", Integer.toString(format.channels()), "pipe:1"));
        return cmd;
    }

    @Override
    public synchronized void start(Consumer<byte[]> sink) {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(() -> run(sink), "nagare-ffmpeg-audio-" + name);
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

    private void run(Consumer<byte[]> sink) {
        int chunkBytes = format.bytesPerSecond() * ToneSource.CHUNK_MS / 1000;
        long backoff = 1000;
        while (running) {
            long started = System.currentTimeMillis();
            try {
                Process p = new ProcessBuilder(command()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                process = p;
                try (InputStream in = p.getInputStream()) {
                    for (byte[] chunk; running && (chunk = in.readNBytes(chunkBytes)).length == chunkBytes; ) {
                        sink.accept(chunk);
                    }
                }
                int code = p.waitFor();
                if (running) {
                    LOG.warn("ffmpeg for audio stream {} exited with {}; restarting in {} ms", name, code, backoff);
                }
            } catch (IOException e) {
                LOG.warn("ffmpeg for audio stream {} could not run ({}); retrying in {} ms", name, e.getMessage(), backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!running) {
                return;
            }
            if (System.currentTimeMillis() - started > 60_000) {
                backoff = 1000;
            }
            long until = System.currentTimeMillis() + backoff;
            try {
                // Silence while ffmpeg is down, paced in real time, on this source's own thread.
                while (running && System.currentTimeMillis() < until) {
                    sink.accept(new byte[chunkBytes]);
                    Thread.sleep(ToneSource.CHUNK_MS);
                }
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(30_000, backoff * 2);
        }
    }
}
