package dev.nagare.media.audio;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * One named audio stream: a source, its listeners, and the last few chunks (a short burst for new
 * listeners, so players start at once). Each chunk is turned into a Buffer once and written to
 * every listener; a listener that cannot keep up skips chunks. The source runs only while someone
 * listens.
 */
public final class AudioStream {
    private static final int BURST_CHUNKS = 10; // 200 ms

    private final String name;
    private final AudioSource source;
    private final Set<Listener> listeners = new CopyOnWriteArraySet<>();
    private final Set<Listener> oggListeners = new CopyOnWriteArraySet<>();
    private final ArrayDeque<Buffer> recent = new ArrayDeque<>(); // guarded by itself
    private final ArrayDeque<Buffer> recentOgg = new ArrayDeque<>(); // guarded by recent
    private OpusPages opus; // source thread only, made when the first .ogg listener comes
    private boolean running; // guarded by this

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

    public int listenerCount() {
        return listeners.size() + oggListeners.size();
    }

    List<Buffer> burst(boolean ogg) {
        synchronized (recent) {
            return List.copyOf(ogg ? recentOgg : recent);
        }
    }

    /** The Ogg/Opus header pages, or null when the format cannot be Opus (not 48 kHz). */
    Buffer oggHeaders() {
        return source.format().sampleRate() == 48_000 ? new OpusPages(source.format()).headers() : null;
    }

    void add(Listener l, boolean ogg) {
        (ogg ? oggListeners : listeners).add(l);
        synchronized (this) {
            if (!running) {
                running = true;
                source.start(this::onChunk);
            }
        }
    }

    void remove(Listener l) {
        listeners.remove(l);
        oggListeners.remove(l);
        synchronized (this) {
            if (listenerCount() == 0 && running) {
                running = false;
                source.stop();
                synchronized (recent) {
                    recent.clear();
                    recentOgg.clear();
                }
            }
        }
    }

    private void onChunk(byte[] pcm) {
        Buffer chunk = Buffer.buffer(pcm);
        synchronized (recent) {
            recent.add(chunk);
            if (recent.size() > BURST_CHUNKS) {
                recent.poll();
            }
        }
        for (Listener l : listeners) {
            l.offer(chunk);
        }
        if (!oggListeners.isEmpty()) {
            if (opus == null) {
                opus = new OpusPages(source.format());
            }
            Buffer page = opus.page(pcm); // encoded once for every .ogg listener
            synchronized (recent) {
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
