package dev.nagare.auth.http;

import dev.nagare.auth.AuthException;
import dev.nagare.auth.Fields;
import dev.nagare.auth.Principal;
import dev.nagare.auth.StreamTokens;
import dev.nagare.web.JsonReply;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/streams/token} {@code {"stream": "video/cam1", "ttlSeconds": 3600}}: a signed URL
 * token opening that one stream (see {@link StreamTokens}) for whoever may watch it, answered with
 * {@code {"token", "stream", "expiresAt", "path"}} where {@code path} is the stream's URL with the token.
 */
public final class StreamTokenRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(StreamTokenRoutes.class);
    static final long DEFAULT_TTL_SECONDS = 3600;

    private final StreamTokens tokens;

    public StreamTokenRoutes(StreamTokens tokens) {
        this.tokens = tokens;
    }

    public void mount(Router router, HttpGuard guard) {
        router.post("/api/streams/token").handler(guard.attach()).handler(guard.require()).handler(this::mint);
    }

    private void mint(RoutingContext ctx) {
        JsonObject body = Fields.jsonObject(ctx.body() == null ? null : ctx.body().buffer(), 4096).orElse(null);
        Object ttlField = body == null ? null : body.getValue("ttlSeconds");
        String stream = body == null || !(body.getValue("stream") instanceof String s) ? null : s;
        if (stream == null || ttlField != null && !(ttlField instanceof Number)) {
            JsonReply.error(ctx, 400, "Expected JSON {\"stream\": \"video/NAME\" or \"audio/NAME\", \"ttlSeconds\": number (default "
                    + DEFAULT_TTL_SECONDS + ")}.");
            return;
        }
        long ttl = ttlField == null ? DEFAULT_TTL_SECONDS : ((Number) ttlField).longValue();
        Principal p = HttpGuard.principal(ctx);
        tokens.mint(p, stream, Duration.ofSeconds(Math.max(0, ttl))).onComplete(ar -> {
            if (ar.failed()) {
                String reason = ar.cause() instanceof AuthException ? ar.cause().getMessage() : "The token could not be made.";
                int status = !StreamTokens.validStream(stream) || ttl <= 0 || ttl > StreamTokens.MAX_TTL.toSeconds() ? 400 : 403;
                if (!(ar.cause() instanceof AuthException)) {
                    LOG.warn("Stream token for {} failed: {}", stream, ar.cause().toString());
                    status = 500;
                }
                JsonReply.error(ctx, status, reason);
                return;
            }
            StreamTokens.Minted m = ar.result();
            LOG.info("Stream token for {} issued to '{}', expires {}", stream, p.username(), java.time.Instant.ofEpochMilli(m.expiresAtMillis()));
            JsonReply.send(ctx, 200, new JsonObject().put("token", m.token()).put("stream", stream)
                    .put("expiresAt", m.expiresAtMillis()).put("path", path(stream) + "?token=" + m.token()));
        });
    }

    /** The stream's usual URL path: the MJPEG stream, or the WAV one. */
    public static String path(String stream) {
        return stream.startsWith("video/") ? "/" + stream : "/" + stream + ".wav";
    }
}
