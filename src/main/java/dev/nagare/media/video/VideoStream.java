package dev.nagare.media.video;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named stream: a source, its renditions (the source's own plus re-encodings viewers asked
 * for with {@code ?width=}/{@code ?quality=}), and the viewers of each. Each frame is encoded once
 * per rendition; viewers write only the newest frame their socket can take. The source runs only
 * while someone watches.
 */
public final class VideoStream {
    private static final Logger LOG = LoggerFactory.getLogger(VideoStream.class);
    /** The widths and qualities viewers may ask for: a small set, so renditions are shared. */
    static final int[] WIDTHS = {320, 480, 640, 960, 1280, 1920};
    static final float[] QUALITIES = {0.4f, 0.6f, 0.8f};

    private final String name;
    private final VideoSource source;
    private final Rendition original;
    private final Map<String, Rendition> renditions = new ConcurrentHashMap<>();
    private final ExecutorService encoder;
    private final AtomicLong frames = new AtomicLong();
    private final FrameRate captured = new FrameRate();
    /** Who takes every source frame besides viewers: the cluster relay while another node watches. */
    private final java.util.Set<java.util.function.Consumer<Frame>> taps = new java.util.concurrent.CopyOnWriteArraySet<>();
    private boolean running; // guarded by this
    private volatile boolean publishing;

    public VideoStream(String name, VideoSource source) {
        this.name = name;
        this.source = source;
        this.original = new Rendition(source.settings().width(), source.settings().quality(), true);
        // The thread ends when no rendition has used it for a while: another node's stream comes and goes.
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(1, 1, 30,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "nagare-renditions-" + name);
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.encoder = pool;
    }

    public String name() {
        return name;
    }

    VideoSource source() {
        return source;
    }

    boolean publishing() {
        return publishing;
    }

    void publishing(boolean on) {
        publishing = on;
    }

    public VideoSettings settings() {
        return source.settings();
    }

    /** The newest frame at the source's size and quality, or null before the first one. */
    public Frame latest() {
        return original.latest();
    }

    /**
     * The rendition nearest to what a viewer asked for: width from {@link #WIDTHS} not above the
     * source's, quality from {@link #QUALITIES} not above the source's; the source's own when
     * nothing smaller was asked.
     */
    Rendition rendition(Integer width, Float quality) {
        int sourceWidth = source.settings().width();
        float sourceQuality = source.settings().quality();
        int w = sourceWidth;
        if (width != null && width < sourceWidth) {
            w = WIDTHS[0];
            for (int candidate : WIDTHS) {
                if (candidate <= width && candidate < sourceWidth) {
                    w = candidate;
                }
            }
        }
        float q = sourceQuality;
        if (quality != null && quality < sourceQuality) {
            q = QUALITIES[0];
            for (float candidate : QUALITIES) {
                if (candidate <= quality && candidate < sourceQuality) {
                    q = candidate;
                }
            }
        }
        if (w == sourceWidth && q == sourceQuality) {
            return original;
        }
        int fw = w;
        float fq = q;
        return renditions.computeIfAbsent(w + "@" + q, k -> new Rendition(fw, fq, false));
    }

    public int viewerCount() {
        int n = original.viewers().size();
        for (Rendition r : renditions.values()) {
            n += r.viewers().size();
        }
        return n;
    }

    public long framesProduced() {
        return frames.get();
    }

    /** Per-viewer delivery figures (no addresses), with the rendition each watches. */
    public io.vertx.core.json.JsonArray viewerStats() {
        io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
        original.viewers().forEach(v -> out.add(v.stats().put("width", original.width())));
        renditions.values().forEach(r -> r.viewers().forEach(v ->
                out.add(v.stats().put("width", r.width()).put("quality", r.quality()))));
        return out;
    }

    /**
     * uStreamer's {@code /state} for this stream: the source as configured and as measured (frames per
     * second captured over the last seconds), each rendition being watched with its viewers and the
     * frames per second they are served, and the viewers in all. Qualities are percentages, as in a
     * capture spec.
     */
    public io.vertx.core.json.JsonObject state() {
        VideoSettings s = source.settings();
        io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
        out.add(renditionState(original));
        renditions.values().stream().filter(r -> !r.viewers().isEmpty())
                .sorted(java.util.Comparator.comparingInt(Rendition::width).reversed()
                        .thenComparing(Rendition::quality, java.util.Comparator.reverseOrder()))
                .forEach(r -> out.add(renditionState(r)));
        return new io.vertx.core.json.JsonObject().put("stream", name)
                .put("source", new io.vertx.core.json.JsonObject().put("width", s.width()).put("height", s.height())
                        .put("fps", s.fps()).put("capturedFps", captured.perSecond()).put("quality", s.percent())
                        .put("running", running()))
                .put("renditions", out).put("viewers", viewerCount());
    }

    private io.vertx.core.json.JsonObject renditionState(Rendition r) {
        return new io.vertx.core.json.JsonObject().put("width", r.width()).put("quality", Math.round(r.quality() * 100))
                .put("source", r == original)
                .put("viewers", r.viewers().size()).put("servedFps", r.servedFps());
    }

    private synchronized boolean running() {
        return running;
    }

    void add(Viewer viewer) {
        viewer.rendition().viewers().add(viewer);
        ensureRunning();
    }

    /**
     * {@code tap} gets every source frame (on the source's thread) and keeps the source running like a
     * viewer, until the returned action removes it.
     */
    Runnable tap(java.util.function.Consumer<Frame> tap) {
        java.util.function.Consumer<Frame> own = tap::accept; // its own identity, so the same tap can be added twice
        taps.add(own);
        ensureRunning();
        return () -> {
            taps.remove(own);
            stopIfIdle();
        };
    }

    /** Whether something besides viewers takes the frames (another node watches). */
    public boolean tapped() {
        return !taps.isEmpty();
    }

    void remove(Viewer viewer) {
        viewer.rendition().viewers().remove(viewer);
        stopIfIdle();
    }

    private void stopIfIdle() {
        synchronized (this) {
            if (viewerCount() == 0 && taps.isEmpty() && running) {
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
        frames.incrementAndGet();
        captured.mark();
        original.onSourceFrame(frame, encoder);
        for (Rendition r : renditions.values()) {
            r.onSourceFrame(frame, encoder);
        }
        for (java.util.function.Consumer<Frame> t : taps) {
            t.accept(frame);
        }
    }

    public void close() {
        synchronized (this) {
            running = false;
            source.stop();
        }
        encoder.shutdownNow();
    }
}
