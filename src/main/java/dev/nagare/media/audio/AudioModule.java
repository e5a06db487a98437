package dev.nagare.media.audio;

import dev.nagare.auth.http.HttpGuard;
import dev.nagare.media.FfmpegInput;
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
import java.util.List;

/**
 * Live audio ({@code /audio/...}, {@code /audio_feed}) as a module: a test tone as the default stream,
 * plus streams from ffmpeg and from a capture device when configured, and those encoders publish as
 * Icecast sources; in a cluster, also the other nodes' streams.
 */
public final class AudioModule implements ServerModule {
    public static final String NAME = "audio";
    /** The largest chunk relayed between nodes. */
    public static final int MAX_CHUNK_BYTES = AudioRoutes.MAX_CHUNK_BYTES;

    private final AudioRoutes routes;
    private final int toneHz;
    private final int opusBitrate;
    private final int mp3Bitrate;
    private final FfmpegInput ffmpeg;
    private final AudioSource mic;
    private final MicSpec micSpec;
    private final MediaRelay relay;

    /**
     * Opens the capture device of {@code mic} at once, so that a missing one stops the server before
     * it starts anything else.
     *
     * {@code relay}: how streams cross to the other nodes of a cluster ({@link MediaRelay#SINGLE_NODE}: none).
     *
     * @throws IllegalArgumentException when the device is not there
     */
    public AudioModule(Vertx vertx, HttpGuard http, int toneHz, int opusBitrate, EncoderConfig encoders,
            FfmpegInput ffmpeg, MicSpec mic, MediaRelay relay) {
        this.routes = new AudioRoutes(vertx, http, relay, opusBitrate, encoders);
        this.mp3Bitrate = encoders.mp3Bitrate();
        this.relay = relay;
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
        routes.add(new AudioStream(AudioRoutes.DEFAULT, new ToneSource(PcmFormat.defaults(), toneHz), opusBitrate,
                mp3Bitrate));
        if (ffmpeg != null) {
            routes.add(new AudioStream(ffmpeg.name(), new FfmpegAudioSource(ffmpeg.name(), "ffmpeg", ffmpeg.args(),
                    PcmFormat.defaults()), opusBitrate, mp3Bitrate));
        }
        if (mic != null) {
            routes.add(new AudioStream(micSpec.name(), mic, opusBitrate, mp3Bitrate));
        }
        routes.startRelay();
        return Future.succeededFuture();
    }

    /** Not for guests: listening and publishing need an account. */
    @Override
    public List<AppPage> pages() {
        return List.of(new AppPage("/audio", "Audio", false), new AppPage("/audio/publish", "Microphone", false));
    }

    @Override
    public void mount(Router router, StaticAssets assets) {
        routes.mount(router, assets);
    }

    /**
     * The node is going away: its streams leave the other nodes' lists and their viewers there hear
     * that they ended now, not after this node's own viewers have drained; encoders publishing here
     * are cut off.
     */
    @Override
    public Future<Void> drain(String reason) {
        routes.endSources(reason); // an encoder would otherwise hold the drain until its timeout
        return relay.close();
    }

    @Override
    public Future<Void> stop() {
        return relay.close().eventually(() -> {
            routes.close();
            return Future.succeededFuture();
        });
    }

    /** Per stream: listeners (WAV, Ogg/Opus and WebSocket together) and the chunks they skipped. */
    @Override
    public Runnable metrics(MeterRegistry registry) {
        MultiGauge listeners = MultiGauge.builder("nagare.audio.listeners").description("Audio listeners by stream")
                .register(registry);
        MultiGauge skipped = MultiGauge.builder("nagare.audio.chunks.skipped")
                .description("Audio chunks the stream's listeners skipped because their connection was still busy")
                .register(registry);
        return () -> {
            java.util.Map<String, Number> l = new java.util.HashMap<>();
            java.util.Map<String, Number> s = new java.util.HashMap<>();
            routes.streams().forEach((name, stream) -> {
                l.put(name, stream.listenerCount());
                s.put(name, stream.skipped());
            });
            listeners.register(MeterRows.bounded("stream", l), true);
            skipped.register(MeterRows.bounded("stream", s), true);
        };
    }

    public AudioRoutes routes() {
        return routes;
    }
}
