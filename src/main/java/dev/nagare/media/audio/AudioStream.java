package dev.nagare.media.audio;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * One named audio stream: a source, its listeners, and the last few chunks (a short burst for new
 * listeners, so players start at once). Listeners ask for a format: the source's, or a lower rate
 * and/or mono; each format is converted once per chunk for all who want it ({@link Variant}), and
 * Ogg/Opus is encoded once. A listener that cannot keep up skips chunks. The source runs only while
 * someone listens.
 */
public final class AudioStream {
    private static final int BURST_CHUNKS = 10; // 200 ms

    /** How a listener receives the stream. */
    enum Kind { WAV, OGG, SOCKET }

    private final String name;
    private final AudioSource source;
    private final Map<PcmFormat, Variant> variants = new ConcurrentHashMap<>();
    private final Set<Listener> oggListeners = new CopyOnWriteArraySet<>();
    private final ArrayDeque<Buffer> recentOgg = new ArrayDeque<>(); // guarded by itself
    private OpusPages opus; // source thread only, made when the first .ogg listener comes
    private boolean running; // guarded by this

    /** One output format: its converter (source thread only), listeners and recent chunks. */
    private final class Variant {
        final PcmConverter converter;
        final Set<Listener> wav = new CopyOnWriteArraySet<>();
        final Set<Listener> sockets = new CopyOnWriteArraySet<>();
        final ArrayDeque<Buffer> recent = new ArrayDeque<>(); // guarded by itself

        Variant(PcmFormat format) {
            this.converter = new PcmConverter(source.format(), format);
        }

        int size() {
            return wav.size() + sockets.size();
        }
    }

    public AudioStream(String name, AudioSource source) {
        this.name = name;
        this.source = source;
    }

    public String name() {
        return name;
    }

    public PcmFormat format() {
        return source.format();
    }

    AudioSource source() {
        return source;
    }

    public int listenerCount() {
        int n = oggListeners.size();
        for (Variant v : variants.values()) {
            n += v.size();
        }
        return n;
    }

    /** The recent chunks in {@code format} (WAV), or of Ogg pages. */
    List<Buffer> burst(PcmFormat format, boolean ogg) {
        if (ogg) {
            synchronized (recentOgg) {
                return List.copyOf(recentOgg);
            }
        }
        Variant v = variants.get(format);
        if (v == null) {
            return List.of();
        }
        synchronized (v.recent) {
            return List.copyOf(v.recent);
        }
    }

    /** The Ogg/Opus header pages, or null when the format cannot be Opus (not 48 kHz). */
    Buffer oggHeaders() {
        return source.format().sampleRate() == 48_000 ? new OpusPages(source.format()).headers() : null;
    }

    void add(Listener l, Kind kind, PcmFormat format) {
        if (kind == Kind.OGG) {
            oggListeners.add(l);
        } else {
            Variant v = variants.computeIfAbsent(format, Variant::new);
            (kind == Kind.WAV ? v.wav : v.sockets).add(l);
        }
        synchronized (this) {
            if (!running) {
                running = true;
                source.start(this::onChunk);
            }
        }
    }

    void remove(Listener l) {
        oggListeners.remove(l);
        for (Variant v : variants.values()) {
            v.wav.remove(l);
            v.sockets.remove(l);
        }
        synchronized (this) {
            if (listenerCount() == 0 && running) {
                running = false;
                source.stop();
                variants.clear();
                synchronized (recentOgg) {
                    recentOgg.clear();
                }
            }
        }
    }

    private void onChunk(byte[] pcm) {
        long captured = System.currentTimeMillis();
        for (Variant v : variants.values()) {
            if (v.size() == 0) {
                continue;
            }
            Buffer chunk = Buffer.buffer(v.converter.convert(pcm));
            synchronized (v.recent) {
                v.recent.add(chunk);
                if (v.recent.size() > BURST_CHUNKS) {
                    v.recent.poll();
                }
            }
            for (Listener l : v.wav) {
                l.offer(chunk);
            }
            if (!v.sockets.isEmpty()) {
                // The low-latency path: each frame starts with its capture time (ms since 1970, 8 bytes
                // big-endian), so the page can show how old what it plays is.
                Buffer framed = Buffer.buffer(8 + chunk.length()).appendLong(captured).appendBuffer(chunk);
                for (Listener l : v.sockets) {
                    l.offer(framed);
                }
            }
        }
        if (!oggListeners.isEmpty()) {
            if (opus == null) {
                opus = new OpusPages(source.format());
            }
            Buffer page = opus.page(pcm); // encoded once for every .ogg listener
            synchronized (recentOgg) {
                recentOgg.add(page);
                if (recentOgg.size() > BURST_CHUNKS) {
                    recentOgg.poll();
                }
            }
            for (Listener l : oggListeners) {
                l.offer(page);
            }
        }
    }

    public void close() {
        synchronized (this) {
            running = false;
            source.stop();
        }
    }
}
