package dev.nagare.media.video;

import dev.nagare.auth.http.HttpGuard;
import dev.nagare.media.FfmpegInput;
import dev.nagare.web.ServerModule;
import dev.nagare.web.StaticAssets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Duration;

/**
 * Live video ({@code /video/...}, {@code /video_feed}) as a module: the synthetic test pattern as the
 * default stream, plus a stream fed by ffmpeg when one is configured.
 */
public final class VideoModule implements ServerModule {
    public static final String NAME = "video";

    private final VideoRoutes routes;
    private final FfmpegInput ffmpeg;

    public VideoModule(Vertx vertx, HttpGuard http, Duration stallTimeout, FfmpegInput ffmpeg) {
        this.routes = new VideoRoutes(vertx, http, stallTimeout);
        this.ffmpeg = ffmpeg;
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
        return Future.succeededFuture();
    }

    @Override
    public void mount(Router router, StaticAssets assets) {
        routes.mount(router, assets);
    }

    @Override
    public Future<Void> stop() {
        routes.close();
        return Future.succeededFuture();
    }

    public VideoRoutes routes() {
        return routes;
    }
}
