package dev.nagare.media.audio;

import dev.nagare.auth.http.HttpGuard;
import dev.nagare.web.JsonReply;
import dev.nagare.web.NettyChannels;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /audio/{stream}/source} (and the older {@code SOURCE} method): an encoder publishes a
 * stream as it would to Icecast 2.4 ({@code ffmpeg -f ogg icecast://source:TOKEN@host:port/audio/NAME/source},
 * butt, darkice). HTTP Basic auth, the password an API token whose account has
 * {@code broadcast:audio/<stream>}; the user name is ignored (a bearer token works too). The body is
 * audio/ogg (Opus, Vorbis) or audio/mpeg, which encoders send unframed after the head (no
 * Content-Length, no chunks) once the server has answered: {@code 100 Continue} to a client that
 * expects it (ffmpeg), else Icecast's {@code HTTP/1.0 200 OK} (SOURCE clients). From then on the
 * connection's bytes go to an {@link IcecastSource}, never buffered whole. A framed body (curl's
 * {@code -T}) is read through Vert.x instead, and answered with JSON when it ends.
 *
 * <p>Bounds: one source per name (409), at most {@link EncoderConfig#sourceMaxBitrate()} (more is held
 * back by TCP), cut off after {@link EncoderConfig#sourceIdleTimeout()} without a byte; the ffmpeg
 * child is killed when the source leaves, and the stream's listeners end with it.
 */
final class IcecastHandler {
    private static final Logger LOG = LoggerFactory.getLogger(IcecastHandler.class);
    /** Icecast before 2.4 and libshout's older clients use this method instead of PUT. */
    static final HttpMethod SOURCE = HttpMethod.valueOf("SOURCE");
    /** What Icecast 2 answers a source that does not expect 100 Continue, before reading its body. */
    private static final byte[] ICECAST_OK = "HTTP/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final AudioRoutes routes;
    private final HttpGuard auth;
    private final int opusBitrate;
    private final EncoderConfig config;
    private final java.util.Set<Session> sessions = java.util.concurrent.ConcurrentHashMap.newKeySet();

    IcecastHandler(AudioRoutes routes, HttpGuard auth, int opusBitrate, EncoderConfig config) {
        this.routes = routes;
        this.auth = auth;
        this.opusBitrate = opusBitrate;
        this.config = config;
    }

    void mount(Router router) {
        router.route("/audio/:stream/source").method(HttpMethod.PUT).method(SOURCE)
                .handler(IcecastHandler::basicToBearer).handler(auth.attach()).handler(this::publish);
    }

    /**
     * Encoders send the token as a Basic password ({@code source:TOKEN}): it is handed to the guard as
     * the bearer token it reads. Only on this route.
     */
    static void basicToBearer(RoutingContext ctx) {
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                pair = "";
            }
            int colon = pair.indexOf(':');
            ctx.request().headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + (colon < 0 ? pair : pair.substring(colon + 1)));
        }
        ctx.next();
    }

    private void publish(RoutingContext ctx) {
        String name = ctx.pathParam("stream");
        String from = ctx.request().remoteAddress() + " (" + ctx.request().getHeader(HttpHeaders.USER_AGENT) + ")";
        if (!routes.validName(name) || "publish".equals(name)) {
            refuse(ctx, 400, "Stream names are 1-32 lower-case letters, digits, '-' or '_' (not 'default').", name, from);
            return;
        }
        if (HttpGuard.principal(ctx) == null) {
            ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"Nagare audio sources\"");
        }
        if (HttpGuard.permit(ctx, "broadcast", "audio/" + name) == null) {
            LOG.info("Audio source for {} from {} refused: {}", name, from, ctx.response().getStatusCode());
            return;
        }
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        String container = IcecastSource.container(type);
        if (container == null) {
            refuse(ctx, 415, "Send audio/ogg (Opus or Vorbis) or audio/mpeg, not " + (type == null ? "no Content-Type" : type)
                    + " (ffmpeg: -content_type audio/ogg).", name, from);
            return;
        }
        AudioStream existing = routes.stream(name);
        if (existing != null) {
            refuse(ctx, 409, "Stream " + name + " exists" + (AudioRelay.remote(existing) ? " on another node." : "."), name, from);
            return;
        }
        new Session(ctx, name, from, container).open();
    }

    /** The server is stopping: every source is cut off now, so it does not hold the drain to its timeout. */
    void endAll(String reason) {
        sessions.forEach(s -> s.context.runOnContext(v -> s.end(503, reason)));
    }

    private static void refuse(RoutingContext ctx, int status, String reason, String name, String from) {
        LOG.info("Audio source for {} from {} refused ({}): {}", name, from, status, reason);
        JsonReply.error(ctx, status, reason);
    }

    /** One connected source; every field on its connection's event loop. */
    private final class Session {
        private final RoutingContext ctx;
        private final String name;
        private final String from;
        private final HttpConnection conn;
        private final Context context;
        private final IcecastSource source;
        private final AudioStream stream;
        private final long started = System.currentTimeMillis();
        private final long maxBytesPerSecond = config.sourceMaxBitrate() / 8;
        private long lastByte = started;
        private long windowStart = started;
        private long windowBytes;
        private long total;
        private boolean queueFull;
        private boolean rateHeld;
        private boolean rateLogged;
        private boolean ended;
        private long timer = -1;
        /**
         * Whether the body is HTTP-framed (Content-Length or chunks: curl, HTTP libraries): then Vert.x
         * reads it; encoders send it unframed, read from the socket itself.
         */
        private final boolean framed;
        private boolean answered; // the raw 200 went out: no HTTP answer is possible any more

        Session(RoutingContext ctx, String name, String from, String container) {
            this.ctx = ctx;
            this.name = name;
            this.from = from;
            this.conn = ctx.request().connection();
            this.context = ctx.vertx().getOrCreateContext();
            this.source = new IcecastSource(name, "ffmpeg", container,
                    reason -> context.runOnContext(v -> end(400, "The audio could not be decoded: " + reason)));
            this.stream = new AudioStream(name, source, opusBitrate, config.mp3Bitrate());
            this.framed = ctx.request().headers().contains(HttpHeaders.CONTENT_LENGTH)
                    || ctx.request().headers().contains(HttpHeaders.TRANSFER_ENCODING);
        }

        void open() {
            if (routes.addIfAbsent(stream) != stream) {
                refuse(ctx, 409, "Stream " + name + " already has a source.", name, from);
                return;
            }
            try {
                source.open();
            } catch (java.io.IOException e) {
                routes.removeStream(stream);
                refuse(ctx, 503, "Cannot decode sources: ffmpeg does not start (" + e.getMessage() + ").", name, from);
                return;
            }
            // ffmpeg expects 100 Continue; SOURCE clients wait for Icecast's "HTTP/1.0 200 OK" with no length.
            boolean expects = "100-continue".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.EXPECT));
            if (framed) {
                ctx.request().handler(this::bytes).endHandler(v -> end(200, "the source finished"));
            } else if (!NettyChannels.rawInput(conn, expects ? null : ICECAST_OK, this::bytes)) {
                source.close();
                routes.removeStream(stream);
                refuse(ctx, 505, "An Icecast source must use HTTP/1.1 or 1.0.", name, from);
                return;
            }
            answered = !framed && !expects;
            if (expects) {
                ctx.response().writeContinue();
            } else if (framed) {
                ctx.response().setChunked(true).putHeader(HttpHeaders.CACHE_CONTROL, "no-store").writeHead();
            }
            routes.share(stream).onSuccess(mine -> {
                if (!mine) {
                    end(409, "Stream " + name + " is published on another node.");
                }
            });
            sessions.add(this);
            String who = HttpGuard.principal(ctx).username();
            LOG.info("Audio stream {} published by {} from an encoder at {}, {}", name, who, from,
                    ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
            ctx.response().closeHandler(v -> end(0, "the source left"));
            auth.endWithLogin(ctx); // logout, new password, revoked token: publishing ends
            long idle = config.sourceIdleTimeout().toMillis();
            timer = ctx.vertx().setPeriodic(Math.min(1000, idle), id -> {
                long now = System.currentTimeMillis();
                if (queueFull || rateHeld) {
                    lastByte = now; // held back by us, not silent
                } else if (now - lastByte > idle) {
                    end(408, "No audio for " + config.sourceIdleTimeout().toSeconds() + " s.");
                }
            });
        }

        /** The encoder's next bytes, unframed: at most the configured rate per second, then TCP holds it back. */
        private void bytes(Buffer data) {
            if (ended) {
                return;
            }
            long now = System.currentTimeMillis();
            lastByte = now;
            total += data.length();
            if (now - windowStart >= 1000) {
                windowStart = now;
                windowBytes = 0;
            }
            windowBytes += data.length();
            if (!source.feed(data.getBytes(), () -> context.runOnContext(v -> {
                queueFull = false;
                reading();
            }))) {
                queueFull = true;
            }
            if (windowBytes > maxBytesPerSecond) {
                if (!rateLogged) {
                    rateLogged = true;
                    LOG.info("Audio source {} sends more than {} bit/s; held back", name, config.sourceMaxBitrate());
                }
                rateHeld = true;
                ctx.vertx().setTimer(Math.max(1, 1000 - (now - windowStart)), id -> {
                    rateHeld = false;
                    reading();
                });
            }
            reading();
        }

        private void reading() {
            if (ended) {
                return;
            }
            boolean on = !queueFull && !rateHeld;
            if (!framed) {
                NettyChannels.reading(conn, on);
            } else if (on) {
                ctx.request().resume();
            } else {
                ctx.request().pause();
            }
        }

        /**
         * The one way a source ends: ffmpeg killed, the stream gone with its listeners, a log line. A
         * {@code status} of 0 is the client's own close; otherwise the reason is answered as JSON when
         * the response has not started (after {@code 100 Continue} it has not), and the connection closed.
         */
        private void end(int status, String reason) {
            if (ended) {
                return;
            }
            ended = true;
            sessions.remove(this);
            ctx.vertx().cancelTimer(timer);
            source.close();
            routes.removeStream(stream);
            stream.endListeners();
            long seconds = (System.currentTimeMillis() - started) / 1000;
            LOG.info("Audio stream {} ended ({}) after {} s and {} bytes from {}", name, reason, seconds, total, from);
            if (status == 0 || ctx.response().closed()) {
                return;
            }
            if (answered) {
                conn.close();
                return;
            }
            if (!ctx.response().headWritten() && status == 200) {
                JsonReply.send(ctx, 200, new io.vertx.core.json.JsonObject().put("stream", name).put("bytes", total));
            } else if (!ctx.response().headWritten()) {
                JsonReply.error(ctx, status, reason);
            } else if (!ctx.response().ended()) {
                ctx.response().end();
            }
            conn.close();
        }
    }
}
