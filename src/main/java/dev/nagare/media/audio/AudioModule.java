package dev.nagare.media.audio;

import dev.nagare.auth.http.HttpGuard;
import dev.nagare.media.FfmpegInput;
import dev.nagare.web.ServerModule;
import dev.nagare.web.StaticAssets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * Live audio ({@code /audio/...}, {@code /audio_feed}) as a module: a test tone as the default stream,
 * plus streams from ffmpeg and from a capture device when configured.
 */
public final class AudioModule implements ServerModule {
    public static final String NAME = "audio";

    private final AudioRoutes routes;
    private final int toneHz;
    private final int opusBitrate;
    private final FfmpegInput ffmpeg;
    private final AudioSource mic;
    private final MicSpec micSpec;

    /**
     * Opens the capture device of {@code mic} at once, so that a missing one stops the server before
     * it starts anything else.
     *
     * @throws IllegalArgumentException when the device is not there
     */
    public AudioModule(Vertx vertx, HttpGuard http, int toneHz, int opusBitrate, FfmpegInput ffmpeg, MicSpec mic) {
        this.routes = new AudioRoutes(vertx, http);
        this.toneHz = toneHz;
        this.opusBitrate = opusBitrate;
        this.ffmpeg = ffmpeg;
        this.micSpec = mic;
        this.mic = mic == null ? null : JavaSoundSource.open(mic.device(), mic.format());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Future<Void> start() {
        routes.add(new AudioStream(AudioRoutes.DEFAULT, new ToneSource(PcmFormat.defaults(), toneHz), opusBitrate));
        if (ffmpeg != null) {
            routes.add(new AudioStream(ffmpeg.name(), new FfmpegAudioSource(ffmpeg.name(), "ffmpeg", ffmpeg.args(),
                    PcmFormat.defaults()), opusBitrate));
        }
        if (mic != null) {
            routes.add(new AudioStream(micSpec.name(), mic, opusBitrate));
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

    public AudioRoutes routes() {
        return routes;
    }
}
