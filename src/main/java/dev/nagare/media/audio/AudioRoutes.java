package dev.nagare.media.audio;

import dev.nagare.auth.AuthRoutes;
import dev.nagare.auth.Principal;
import dev.nagare.web.JsonReply;
import dev.nagare.wire.WavCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code GET /audio/{stream}.wav}: 16-bit PCM WAV with an open-ended header, which every browser's
 * {@code <audio>} plays (the guide's multipart/x-mixed-replace of raw PCM plays nowhere: a player
 * needs one continuous file with a header, not a series of replaced parts). {@code /audio_feed}
 * is the guide's alias for the default stream. Listening needs {@code join:audio/<stream>}.
 */
public final class AudioRoutes {
    public static final String DEFAULT = "default";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    private final Vertx vertx;
    private final AuthRoutes auth;
    private final Map<String, AudioStream> streams = new ConcurrentHashMap<>();

    public AudioRoutes(Vertx vertx, AuthRoutes auth) {
        this.vertx = vertx;
        this.auth = auth;
    }

    public void add(AudioStream stream) {
        streams.put(stream.name(), stream);
    }

    public void mount(Router router, dev.nagare.web.StaticAssets assets) {
        router.get("/audio").handler(assets.page("web/audio/index.html"));
        router.get("/api/audio/streams").handler(auth.attach()).handler(auth.require()).handler(this::list);
        router.get("/audio_feed").handler(auth.attach()).handler(ctx -> listen(ctx, DEFAULT, false));
        router.get("/audio/:file").handler(auth.attach()).handler(ctx -> {
            String file = ctx.pathParam("file");
            if (file != null && file.endsWith(".wav")) {
                listen(ctx, file.substring(0, file.length() - 4), false);
            } else if (file != null && file.endsWith(".ogg")) {
                listen(ctx, file.substring(0, file.length() - 4), true);
            } else {
                ctx.next();
            }
        });
    }

    private void list(RoutingContext ctx) {
        Principal p = ctx.get(AuthRoutes.PRINCIPAL);
        io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
        streams.values().stream().filter(s -> p.may("join", "audio/" + s.name()))
                .sorted(java.util.Comparator.comparing(AudioStream::name))
                .forEach(s -> out.add(new io.vertx.core.json.JsonObject().put("name", s.name())
                        .put("sampleRate", s.format().sampleRate()).put("channels", s.format().channels())));
        JsonReply.send(ctx, 200, new io.vertx.core.json.JsonObject().put("streams", out));
    }

    public void close() {
        streams.values().forEach(AudioStream::close);
    }

    /** WAV (PCM) or, with {@code ogg}, Opus in Ogg: far less bandwidth. */
    private void listen(RoutingContext ctx, String name, boolean ogg) {
        AudioStream stream = name != null && NAME.matcher(name).matches() ? streams.get(name) : null;
        if (stream == null) {
            ctx.next();
            return;
        }
        if (AuthRoutes.permit(ctx, "join", "audio/" + name) == null) {
            return;
        }
        PcmFormat f = stream.format();
        Buffer header = ogg ? stream.oggHeaders()
                : Buffer.buffer(WavCodec.streamingHeader(f.sampleRate(), f.channels(), 16));
        if (header == null) {
            JsonReply.error(ctx, 404, "Stream " + name + " is not available as Ogg/Opus (it is not 48 kHz).");
            return;
        }
        HttpServerResponse res = ctx.response();
        res.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, ogg ? "audio/ogg" : "audio/wav")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("X-Accel-Buffering", "no");
        res.write(header);
        Listener listener = new Listener(res, vertx.getOrCreateContext());
        for (Buffer chunk : stream.burst(ogg)) {
            listener.write(chunk); // a short burst so the player starts at once
        }
        res.closeHandler(v -> stream.remove(listener));
        stream.add(listener, ogg);
    }
}
