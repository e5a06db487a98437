package dev.nagare.media.video;

import dev.nagare.auth.http.HttpGuard;
import dev.nagare.media.FfmpegInput;
import dev.nagare.media.MediaRelay;
import dev.nagare.web.AppPage;
import dev.nagare.web.ServerModule;
import dev.nagare.web.StaticAssets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Duration;
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
    private final FfmpegInput ffmpeg;
    private final MediaRelay relay;

    /** {@code relay}: how streams cross to the other nodes of a cluster ({@link MediaRelay#SINGLE_NODE}: none). */
    public VideoModule(Vertx vertx, HttpGuard http, Duration stallTimeout, FfmpegInput ffmpeg, MediaRelay relay) {
        this.routes = new VideoRoutes(vertx, http, stallTimeout, relay);
        this.ffmpeg = ffmpeg;
        this.relay = relay;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Future<Void> start() {
        routes.add(new VideoStream(VideoRoutes.DEFAULT, new TestPatternSource(VideoSettings.defaults())));
        if (ffmpeg != null) {
            routes.add(new VideoStream(ffmpeg.name(), new FfmpegSource(ffmpeg.name(), "ffmpeg", ffmpeg.args(),
                    VideoSettings.defaults())));
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

    public VideoRoutes routes() {
        return routes;
    }
}
