package dev.nagare.media.video;

import dev.nagare.auth.http.HttpGuard;
import dev.nagare.media.MediaRelay;
import dev.nagare.web.AppPage;
import dev.nagare.web.ServerModule;
import dev.nagare.web.MeterRows;
import dev.nagare.web.StaticAssets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

/**
 * Live video ({@code /video/...}, {@code /video_feed}) as a module: the synthetic test pattern as the
 * default stream, plus a stream fed by ffmpeg when one is configured; in a cluster, also the other
 * nodes' streams.
 */
public final class VideoModule implements ServerModule {
    public static final String NAME = "video";
    /** The largest frame a publisher may send, and so the largest one relayed between nodes. */
    public static final int MAX_FRAME_BYTES = VideoRoutes.MAX_FRAME_BYTES;

    private final VideoRoutes routes;
    private final VideoConfig sources;
    private final MediaRelay relay;

    /**
     * {@code sources}: the test pattern's and the ffmpeg stream's capture settings; {@code relay}: how streams
     * cross to the other nodes of a cluster ({@link MediaRelay#SINGLE_NODE}: none).
     */
    public VideoModule(Vertx vertx, HttpGuard http, Duration stallTimeout, VideoConfig sources, MediaRelay relay) {
        this.routes = new VideoRoutes(vertx, http, stallTimeout, relay);
        this.sources = sources;
        this.relay = relay;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Future<Void> start() {
        routes.add(new VideoStream(VideoRoutes.DEFAULT, new TestPatternSource(sources.testPattern())));
        VideoInput ffmpeg = sources.ffmpeg();
        if (ffmpeg != null) {
            routes.add(new VideoStream(ffmpeg.name(), ffmpeg.source("ffmpeg")));
        }
        routes.startRelay();
        return Future.succeededFuture();
    }

    /** Not for guests: watching and publishing need an account. */
    @Override
    public List<AppPage> pages() {
        return List.of(new AppPage("/video", "Video", false), new AppPage("/video/publish", "Camera", false));
    }

    @Override
    public void mount(Router router, StaticAssets assets) {
        routes.mount(router, assets);
    }

    /**
     * The node is going away: its streams leave the other nodes' lists and their viewers there hear
     * that they ended now, not after this node's own viewers have drained.
     */
    @Override
    public Future<Void> drain(String reason) {
        return relay.close();
    }

    @Override
    public Future<Void> stop() {
        return relay.close().eventually(() -> {
            routes.close();
            return Future.succeededFuture();
        });
    }

    /** Per stream of this node: MJPEG viewers, frames produced and frames its current viewers skipped. */
    @Override
    public Runnable metrics(MeterRegistry registry) {
        MultiGauge viewers = MultiGauge.builder("nagare.video.viewers").description("MJPEG viewers by stream")
                .register(registry);
        MultiGauge frames = MultiGauge.builder("nagare.video.frames.produced")
                .description("Frames a stream's source has produced since it started (resets when the stream restarts)")
                .register(registry);
        MultiGauge skipped = MultiGauge.builder("nagare.video.frames.skipped")
                .description("Frames the stream's current viewers skipped because their connection was still busy")
                .register(registry);
        return () -> {
            Map<String, Number> v = new HashMap<>();
            Map<String, Number> f = new HashMap<>();
            Map<String, Number> s = new HashMap<>();
            routes.streams().forEach((name, stream) -> {
                v.put(name, stream.viewerCount());
                f.put(name, stream.framesProduced());
                long n = 0;
                for (Object o : stream.viewerStats()) {
                    n += ((io.vertx.core.json.JsonObject) o).getLong("skipped", 0L);
                }
                s.put(name, n);
            });
            viewers.register(MeterRows.bounded("stream", v), true);
            frames.register(MeterRows.bounded("stream", f), true);
            skipped.register(MeterRows.bounded("stream", s), true);
        };
    }

    public VideoRoutes routes() {
        return routes;
    }
}
