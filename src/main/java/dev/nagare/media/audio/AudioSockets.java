package dev.nagare.media.audio;

import dev.nagare.auth.http.HttpGuard;
import dev.nagare.media.StreamSockets;
import dev.nagare.web.JsonReply;
import dev.nagare.web.SecurityHeaders;
import dev.nagare.web.StaticAssets;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket side of audio:
 * <ul>
 *   <li>{@code /audio/{stream}/ws?rate=&channels=}: the low-latency path. A text frame
 *       {@code {"sampleRate","channels","serverTime"}} first, then binary frames of 20 ms: the
 *       capture time (8 bytes, ms since 1970, big-endian) and 16-bit little-endian PCM, played by
 *       the page's AudioWorklet from a small jitter buffer;</li>
 *   <li>{@code /audio/publish} (page) and {@code /audio/publish/{stream}} (WebSocket): a browser's
 *       microphone as a stream, 48 kHz mono PCM frames, with the right broadcast:audio/&lt;stream&gt;.</li>
 * </ul>
 */
final class AudioSockets {
    private static final Logger LOG = LoggerFactory.getLogger(AudioSockets.class);
    static final int MAX_FRAME_BYTES = 48_000 * 2 / 4; // 250 ms of 48 kHz mono
    static final int MAX_FRAMES_PER_SECOND = 100;

    private final AudioRoutes routes;
    private final HttpGuard auth;

    AudioSockets(AudioRoutes routes, HttpGuard auth) {
        this.routes = routes;
        this.auth = auth;
    }

    void mount(Router router, StaticAssets assets) {
        router.get("/audio/publish").handler(ctx -> {
            ctx.response().putHeader("Permissions-Policy", SecurityHeaders.BROADCAST_PERMISSIONS_POLICY);
            ctx.next();
        }).handler(assets.page("web/audio/publish.html"));
        router.get("/audio/publish/:stream").handler(auth.attach()).handler(this::publish);
        router.get("/audio/:stream/ws").handler(auth.attach()).handler(this::listen);
    }

    private void listen(RoutingContext ctx) {
        String name = ctx.pathParam("stream");
        AudioStream stream = routes.stream(name);
        if (stream == null) {
            JsonReply.error(ctx, 404, "No audio stream '" + name + "'.");
            return;
        }
        if (HttpGuard.permit(ctx, "join", "audio/" + name) == null) {
            return;
        }
        PcmFormat f = AudioRoutes.requested(ctx, stream.format());
        if (f == null) {
            return;
        }
        Vertx vertx = ctx.vertx();
        StreamSockets.limit(ctx.request(), AudioRoutes.SEND_BUFFER, AudioRoutes.SEND_BUFFER);
        ctx.request().toWebSocket().onSuccess(ws -> {
            ws.writeTextMessage(new JsonObject().put("sampleRate", f.sampleRate()).put("channels", f.channels())
                    .put("serverTime", System.currentTimeMillis()).encode());
            Listener listener = Listener.of(ws, vertx.getOrCreateContext());
            ws.closeHandler(v -> stream.remove(listener));
            auth.endWithLogin(ctx, ws); // logout, new password, revoked token: the stream ends
            ws.textMessageHandler(t -> { }); // nothing is expected from listeners
            stream.add(listener, AudioStream.Kind.SOCKET, f);
        });
    }

    private void publish(RoutingContext ctx) {
        String name = ctx.pathParam("stream");
        if (!routes.validName(name) || "publish".equals(name)) {
            JsonReply.error(ctx, 400, "Stream names are 1-32 lower-case letters, digits, '-' or '_' (not 'default').");
            return;
        }
        if (HttpGuard.permit(ctx, "broadcast", "audio/" + name) == null) {
            return;
        }
        AudioStream existing = routes.stream(name);
        if (existing != null && AudioRelay.remote(existing)) {
            JsonReply.error(ctx, 409, "Stream " + name + " is published on another node.");
            return;
        }
        if (existing != null) {
            JsonReply.error(ctx, 409, "Stream " + name + " exists" + (existing.source() instanceof PublishedAudioSource
                    ? " and already has a publisher." : " and is not a published stream."));
            return;
        }
        PublishedAudioSource source = new PublishedAudioSource();
        AudioStream stream = routes.addIfAbsent(new AudioStream(name, source));
        if (stream.source() != source) {
            JsonReply.error(ctx, 409, "Stream " + name + " already has a publisher.");
            return;
        }
        String who = HttpGuard.principal(ctx).username();
        // The name is claimed across the cluster; two nodes taking it at once: one loses, closed below.
        io.vertx.core.Future<Boolean> mine = routes.share(stream);
        ctx.request().toWebSocket().onSuccess(ws -> {
            LOG.info("Audio stream {} published by {}", name, who);
            auth.endWithLogin(ctx, ws); // logout, new password, revoked token: publishing ends
            mine.onSuccess(m -> {
                if (!m) {
                    ws.close((short) 1008, "Stream " + name + " is published on another node.");
                }
            });
            long[] window = {System.currentTimeMillis(), 0, 0};
            ws.binaryMessageHandler(buf -> {
                long now = System.currentTimeMillis();
                if (now - window[0] >= 1000) {
                    window[0] = now;
                    window[1] = 0;
                }
                if (++window[1] > MAX_FRAMES_PER_SECOND || buf.length() > MAX_FRAME_BYTES || buf.length() % 2 != 0
                        || buf.length() == 0) {
                    if (window[2]++ % 100 == 0) {
                        LOG.info("Audio publisher {} on {}: frame refused ({} bytes, {} this second)", who, name,
                                buf.length(), window[1]);
                    }
                    return; // too fast, too big or not 16-bit samples: dropped
                }
                source.push(buf.getBytes());
            });
            ws.closeHandler(v -> {
                routes.removeStream(stream);
                LOG.info("Audio stream {} ended (publisher left)", name);
            });
        }).onFailure(e -> routes.removeStream(stream));
    }
}
