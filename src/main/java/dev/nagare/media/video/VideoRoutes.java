package dev.nagare.media.video;

import dev.nagare.auth.Principal;
import dev.nagare.auth.http.HttpGuard;
import dev.nagare.media.MediaRelay;
import dev.nagare.media.StreamSockets;
import dev.nagare.web.JsonReply;
import dev.nagare.web.SecurityHeaders;
import dev.nagare.web.StaticAssets;
import dev.nagare.wire.MjpegCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code GET /video/{stream}} (MJPEG), {@code /video/{stream}/snapshot.jpg} (also {@code /snapshot}),
 * {@code /video/{stream}/stats}, {@code /video/{stream}/state} and the guide's {@code /video_feed} (the default stream).
 * Viewing needs a login or token with the right {@code join:video/<stream>} (every user and guest has it by default),
 * a stream URL token for that stream ({@code ?token=}, see {@code auth.StreamTokens}), or none for a
 * {@code --video-public} stream.
 */
public final class VideoRoutes {
    public static final String DEFAULT = "default";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    /** The largest frame a publisher may send, and so the largest one relayed between nodes. */
    static final int MAX_FRAME_BYTES = 2 * 1024 * 1024;

    private final Vertx vertx;
    private final HttpGuard auth;
    private final Duration stallTimeout;
    private final Map<String, VideoStream> streams = new ConcurrentHashMap<>();
    private final VideoRelay relay;

    /**
     * {@code stallTimeout}: how long a viewer's socket may stay full before it is disconnected;
     * {@code relay}: the other nodes' streams ({@link MediaRelay#SINGLE_NODE} for none).
     */
    public VideoRoutes(Vertx vertx, HttpGuard auth, Duration stallTimeout, MediaRelay relay) {
        this.vertx = vertx;
        this.auth = auth;
        this.stallTimeout = stallTimeout;
        this.relay = new VideoRelay(relay, streams);
    }

    /** Adds a local stream (and offers it to the other nodes). */
    public void add(VideoStream stream) {
        streams.put(stream.name(), stream);
        relay.share(stream);
    }

    /** Starts listing and serving the other nodes' streams. */
    public void startRelay() {
        relay.start();
    }

    public Map<String, VideoStream> streams() {
        return Map.copyOf(streams);
    }

    public void mount(Router router, StaticAssets assets) {
        router.get("/video").handler(assets.page("web/video/index.html"));
        router.get("/video/publish").handler(ctx -> {
            // The one page allowed to use the camera (and microphone) of this origin.
            ctx.response().putHeader("Permissions-Policy", SecurityHeaders.BROADCAST_PERMISSIONS_POLICY);
            ctx.next();
        }).handler(assets.page("web/video/publish.html"));
        router.get("/video/publish/:stream").handler(auth.attach()).handler(this::publish);
        router.get("/api/video/streams").handler(auth.attach()).handler(auth.require()).handler(this::list);
        router.get("/api/video/publish/:stream").handler(auth.attach()).handler(auth.require()).handler(this::mayPublish);
        router.get("/video_feed").handler(auth.attach()).handler(ctx -> mjpeg(ctx, DEFAULT));
        // uStreamer's /snapshot, beside the .jpg name a browser saves the picture under.
        for (String snapshot : new String[] {"/video/:stream/snapshot.jpg", "/video/:stream/snapshot"}) {
            router.get(snapshot).handler(auth.attach()).handler(ctx -> snapshot(ctx, ctx.pathParam("stream")));
        }
        router.get("/video/:stream/stats").handler(auth.attach()).handler(ctx -> stats(ctx, ctx.pathParam("stream")));
        router.get("/video/:stream/state").handler(auth.attach()).handler(ctx -> state(ctx, ctx.pathParam("stream")));
        router.get("/video/:stream").handler(auth.attach()).handler(ctx -> mjpeg(ctx, ctx.pathParam("stream")));
    }

    /**
     * The publisher's WebSocket: binary messages are JPEG frames (at most 2 MB, at most twice the
     * announced fps). Needs the right {@code broadcast:video/<stream>} and a same-origin page (checked router-wide by {@link dev.nagare.web.SameOrigin}).
     */
    private void publish(RoutingContext ctx) {
        String name = ctx.pathParam("stream");
        if (name == null || !NAME.matcher(name).matches() || DEFAULT.equals(name)) {
            JsonReply.error(ctx, 400, "Stream names are 1-32 lower-case letters, digits, '-' or '_' (not 'default').");
            return;
        }
        if (HttpGuard.permit(ctx, "broadcast", "video/" + name) == null) {
            return;
        }
        Integer fps = intParam(ctx, "fps", 1, 60);
        VideoSettings settings = new VideoSettings(orDefault(intParam(ctx, "width", 16, 1920), 640),
                orDefault(intParam(ctx, "height", 16, 1080), 480), orDefault(fps, 30), 0.8f);
        VideoStream existing = streams.get(name);
        if (existing != null && VideoRelay.remote(existing)) {
            JsonReply.error(ctx, 409, "Stream " + name + " is published on another node.");
            return;
        }
        if (existing != null && !(existing.source() instanceof PublishedSource)) {
            JsonReply.error(ctx, 409, "Stream " + name + " exists and is not a published stream.");
            return;
        }
        if (existing != null && existing.publishing()) {
            JsonReply.error(ctx, 409, "Stream " + name + " already has a publisher.");
            return;
        }
        VideoStream stream = existing != null ? existing : new VideoStream(name, new PublishedSource(settings));
        // A new name is claimed across the cluster; two nodes taking it at once: one loses, closed below.
        Future<Boolean> mine = streams.putIfAbsent(name, stream) == null ? relay.share(stream) : Future.succeededFuture(true);
        mine.onSuccess(m -> {
            if (!m) {
                streams.remove(name, stream);
            }
        });
        PublishedSource source = (PublishedSource) stream.source();
        ctx.request().toWebSocket().onSuccess(ws -> {
            auth.endWithLogin(ctx, ws); // logout, new password, revoked token: publishing ends
            mine.onSuccess(m -> {
                if (!m) {
                    ws.close((short) 1008, "Stream " + name + " is published on another node.");
                }
            });
            stream.publishing(true);
            long[] window = {System.currentTimeMillis(), 0};
            ws.binaryMessageHandler(buf -> {
                long now = System.currentTimeMillis();
                if (now - window[0] >= 1000) {
                    window[0] = now;
                    window[1] = 0;
                }
                if (++window[1] > 2L * source.settings().fps() || buf.length() > MAX_FRAME_BYTES
                        || buf.length() < 4 || (buf.getByte(0) & 0xff) != 0xFF || (buf.getByte(1) & 0xff) != 0xD8) {
                    return; // too fast, too big or not a JPEG: dropped
                }
                source.push(buf.getBytes());
            });
            ws.closeHandler(v -> {
                stream.publishing(false);
                source.noSignal();
            });
        });
    }

    /**
     * Whether this login may publish {@code stream} now, asked by the publish page before it turns the
     * camera on: {@code {"stream", "allowed", "right", "message"}}, where the message says which right
     * is missing and how an admin grants it, or that the name is taken.
     */
    private void mayPublish(RoutingContext ctx) {
        Principal p = HttpGuard.principal(ctx);
        String name = ctx.pathParam("stream");
        String right = "broadcast:video/" + name;
        JsonObject out = new JsonObject().put("stream", name).put("right", right);
        VideoStream existing = streams.get(name);
        if (name == null || !NAME.matcher(name).matches() || DEFAULT.equals(name)) {
            out.put("allowed", false).put("message", "Stream names are 1-32 lower-case letters, digits, '-' or '_' (not 'default').");
        } else if (!p.may("broadcast", "video/" + name)) {
            out.put("allowed", false).put("message", "Your login " + p.username() + " lacks the right " + right
                    + ". An admin grants it with: java -jar target/nagare.jar user grant " + p.username() + " 'broadcast:video/*'");
        } else if (existing != null && VideoRelay.remote(existing)) {
            out.put("allowed", false).put("message", "The name " + name + " is taken: it is published on another node.");
        } else if (existing != null && !(existing.source() instanceof PublishedSource)) {
            out.put("allowed", false).put("message", "The name " + name + " is taken by a stream that is not published from a camera.");
        } else if (existing != null && existing.publishing()) {
            out.put("allowed", false).put("message", "The name " + name + " is taken: someone is publishing to it.");
        } else {
            out.put("allowed", true).put("message", "You may publish to /video/" + name + ".");
        }
        JsonReply.send(ctx, 200, out);
    }

    private static int orDefault(Integer v, int d) {
        return v == null ? d : v;
    }

    private void list(RoutingContext ctx) {
        Principal p = HttpGuard.principal(ctx);
        io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
        streams.values().stream().filter(s -> p.may("join", "video/" + s.name()))
                .sorted(java.util.Comparator.comparing(VideoStream::name))
                .forEach(s -> out.add(new JsonObject().put("name", s.name()).put("width", s.settings().width())
                        .put("height", s.settings().height()).put("fps", s.settings().fps())
                        .put("remote", VideoRelay.remote(s))));
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8").end(out.encode());
    }

    public void close() {
        streams.values().forEach(VideoStream::close);
    }

    /** The stream the request may watch, or null after answering 401/403/404. */
    private VideoStream allowed(RoutingContext ctx, String name) {
        VideoStream stream = name != null && NAME.matcher(name).matches() ? streams.get(name) : null;
        if (stream == null) {
            ctx.next(); // falls through to the 404 page
            return null;
        }
        // A public stream (--video-public) needs no login; public and tokened ones may be embedded elsewhere.
        return auth.permitStream(ctx, "video/" + name) ? stream : null;
    }

    private void mjpeg(RoutingContext ctx, String name) {
        VideoStream stream = allowed(ctx, name);
        if (stream == null) {
            return;
        }
        limitSendBuffer(ctx);
        HttpServerResponse res = ctx.response();
        res.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, MjpegCodec.CONTENT_TYPE)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("X-Accel-Buffering", "no"); // tell reverse proxies not to buffer the stream
        res.write(Buffer.buffer(MjpegCodec.START));
        Rendition rendition = stream.rendition(intParam(ctx, "width", 16, 7680), quality(ctx));
        Viewer viewer = new Viewer(rendition, res, vertx.getOrCreateContext(), maxFps(ctx, stream), stallTimeout,
                name + " for " + ctx.request().remoteAddress(), () -> StreamSockets.abort(ctx.request()));
        res.drainHandler(v -> viewer.writeLatest());
        res.closeHandler(v -> {
            viewer.closed();
            stream.remove(viewer);
        });
        auth.endWithLogin(ctx); // logout, new password, revoked token: the stream ends
        stream.add(viewer);
        viewer.watch();
        viewer.offer();
    }

    private static Integer intParam(RoutingContext ctx, String name, int min, int max) {
        String v = ctx.request().getParam(name);
        if (v == null || !v.matches("\\d{1,5}")) {
            return null;
        }
        int n = Integer.parseInt(v);
        return n >= min && n <= max ? n : null;
    }

    /** {@code ?quality=low|medium|high} or a percentage 1..100; anything else: the source's. */
    private static Float quality(RoutingContext ctx) {
        String v = ctx.request().getParam("quality");
        if (v == null) {
            return null;
        }
        return switch (v) {
            case "low" -> 0.4f;
            case "medium" -> 0.6f;
            case "high" -> 0.8f;
            default -> {
                Integer pct = intParam(ctx, "quality", 1, 100);
                yield pct == null ? null : pct / 100f;
            }
        };
    }

    /** {@code ?fps=N} caps this viewer's rate (1 to the source's fps); absent or bad: the full rate. */
    private static int maxFps(RoutingContext ctx, VideoStream stream) {
        String v = ctx.request().getParam("fps");
        if (v == null || !v.matches("\\d{1,3}")) {
            return 0;
        }
        int fps = Integer.parseInt(v);
        return fps >= 1 && fps < stream.settings().fps() ? fps : 0;
    }

    /**
     * Only a few frames in flight (see {@link StreamSockets}), so a paused viewer resumes with a fresh
     * frame, not a backlog, and holds little memory meanwhile.
     */
    private static void limitSendBuffer(RoutingContext ctx) {
        StreamSockets.limit(ctx.request(), 32 * 1024, 32 * 1024);
    }

    private void snapshot(RoutingContext ctx, String name) {
        VideoStream stream = allowed(ctx, name);
        if (stream == null) {
            return;
        }
        long deadline = System.currentTimeMillis() + 3000;
        if (!VideoRelay.remote(stream)) {
            stream.ensureRunning();
            sendSnapshot(ctx, stream, deadline, -1, () -> { });
            return;
        }
        // Another node's stream: watched only until a frame newer than what this node last saw arrives,
        // so a snapshot neither shows a stale frame nor leaves the stream relayed with nobody watching.
        Frame before = stream.latest();
        Runnable release = stream.tap(f -> { });
        sendSnapshot(ctx, stream, deadline, before == null ? -1 : before.sequence(), release);
    }

    private void sendSnapshot(RoutingContext ctx, VideoStream stream, long deadline, long after, Runnable release) {
        Frame f = stream.latest();
        if (f != null && f.sequence() > after) {
            release.run();
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "image/jpeg")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .putHeader("X-Timestamp", Long.toString(f.captureMillis()))
                    .end(Buffer.buffer(f.jpeg()));
            return;
        }
        if (System.currentTimeMillis() > deadline) {
            release.run();
            JsonReply.error(ctx, 503, "The source has produced no frame yet.");
            return;
        }
        vertx.setTimer(20, t -> sendSnapshot(ctx, stream, deadline, after, release));
    }

    /** uStreamer's {@code /state} ({@link VideoStream#state}), under the same right as the stream and its stats. */
    private void state(RoutingContext ctx, String name) {
        VideoStream stream = allowed(ctx, name);
        if (stream == null) {
            return;
        }
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(stream.state().put("remote", VideoRelay.remote(stream)).encode());
    }

    private void stats(RoutingContext ctx, String name) {
        VideoStream stream = allowed(ctx, name);
        if (stream == null) {
            return;
        }
        VideoSettings s = stream.settings();
        Frame f = stream.latest();
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(new JsonObject().put("stream", name).put("width", s.width()).put("height", s.height())
                        .put("fps", s.fps()).put("quality", s.quality()).put("viewers", stream.viewerCount())
                        .put("framesProduced", stream.framesProduced())
                        .put("lastFrameBytes", f == null ? 0 : f.jpeg().length)
                        .put("remote", VideoRelay.remote(stream)).put("relaying", stream.tapped())
                        .put("viewerStats", stream.viewerStats()).encode());
    }

}
