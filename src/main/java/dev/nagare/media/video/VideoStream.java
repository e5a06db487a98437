package dev.nagare.media.video;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named stream: a source, the newest frame, and the viewers. Each frame is encoded once by the
 * source and offered to every viewer, which writes only the newest frame its socket can take
 * (latest frame wins, never a backlog). The source runs only while someone watches.
 */
public final class VideoStream {
    private static final Logger LOG = LoggerFactory.getLogger(VideoStream.class);

    private final String name;
    private final VideoSource source;
    private final Set<Viewer> viewers = new CopyOnWriteArraySet<>();
    private final AtomicLong frames = new AtomicLong();
    private volatile Frame latest;
    private boolean running; // guarded by this

    public VideoStream(String name, VideoSource source) {
        this.name = name;
        this.source = source;
    }

    public String name() {
        return name;
    }

    public VideoSettings settings() {
        return source.settings();
    }

    /** The newest frame, or null before the first one. */
    public Frame latest() {
        return latest;
    }

    public int viewerCount() {
        return viewers.size();
    }

    /** Per-viewer delivery figures (no addresses). */
    public io.vertx.core.json.JsonArray viewerStats() {
        io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
        viewers.forEach(v -> out.add(v.stats()));
        return out;
    }

    public long framesProduced() {
        return frames.get();
    }

    void add(Viewer viewer) {
        viewers.add(viewer);
        ensureRunning();
    }

    void remove(Viewer viewer) {
        viewers.remove(viewer);
        synchronized (this) {
            if (viewers.isEmpty() && running) {
                running = false;
                source.stop();
                LOG.debug("video stream {} idle: source stopped", name);
            }
        }
    }

    /** Starts the source if needed (a viewer arrived, or a snapshot is wanted). */
    synchronized void ensureRunning() {
        if (!running) {
            running = true;
            source.start(this::onFrame);
            LOG.debug("video stream {} started", name);
        }
    }

    private void onFrame(Frame frame) {
        latest = frame;
        frames.incrementAndGet();
        for (Viewer v : viewers) {
            v.offer();
        }
    }

    public void close() {
        synchronized (this) {
            running = false;
            source.stop();
        }
    }
}
