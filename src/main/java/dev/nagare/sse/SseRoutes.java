package dev.nagare.sse;

import dev.nagare.auth.KeyedRates;
import dev.nagare.auth.Principal;
import dev.nagare.auth.http.HttpGuard;
import dev.nagare.web.JsonReply;
import dev.nagare.wire.SseCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import dev.nagare.web.RefusalLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-Sent Events over HTTP:
 * <ul>
 *   <li>{@code GET /stream}: the guide's demo, {@code data: 0} to {@code data: 9} one second apart;</li>
 *   <li>{@code GET /sse/{channel}}: a channel for EventSource, with Last-Event-ID resume (header, or
 *       the {@code lastEventId} query parameter), a {@code retry:} hint and a heartbeat comment every
 *       15 s; needs a session cookie or a bearer token with join on the channel;</li>
 *   <li>{@code POST /api/sse/{channel}} {@code {"event"?, "data"}}: publish, with publish:sse/{channel} (not a
 *       user's by default: admins, grants and tokens of such accounts), at most {@code maxEventBytes} of data
 *       (413), {@code publishRate} per user (429 with Retry-After), while there is room for the channel (503);</li>
 *   <li>{@code GET /api/sse}: the channels the caller may follow, and the bytes held for resuming;</li>
 *   <li>{@code GET /api/sse/{channel}}: what the caller may do there ({@code follow}, {@code publish}, with the
 *       missing right as {@code reason}) and the channel's {@code lastId} (null when it has no events), so
 *       that a page can tell the replayed history from live events and offer publishing only when allowed.</li>
 * </ul>
 */
public final class SseRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(SseRoutes.class);
    private static final RefusalLog REFUSED = new RefusalLog(LOG);
    static final long RETRY_MS = 3000;
    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private final SseChannels channels;
    private final HttpGuard auth;
    private final boolean guests;
    private final KeyedRates publishRates;

    public SseRoutes(SseChannels channels, HttpGuard auth, boolean guests) {
        this(channels, auth, guests, dev.nagare.auth.RateSharing.NONE);
    }

    /** {@code rates}: where the publish rate per user meets that of the other nodes of a cluster. */
    public SseRoutes(SseChannels channels, HttpGuard auth, boolean guests, dev.nagare.auth.RateSharing rates) {
        this.channels = channels;
        this.auth = auth;
        this.guests = guests;
        this.publishRates = new KeyedRates(channels.config().publishRate());
        rates.share("sse.publish", publishRates);
    }

    public void mount(Router router) {
        router.get("/stream").handler(this::guideStream);
        router.get("/sse/:channel").handler(auth.attach()).handler(this::subscribe);
        router.post("/api/sse/:channel").handler(auth.attach()).handler(auth.require()).handler(this::publish);
        router.get("/api/sse").handler(auth.attach()).handler(auth.require())
                .handler(this::list);
        router.get("/api/sse/:channel").handler(auth.attach()).handler(this::rights);
    }

    /** The channels the principal may follow, and the totals (bytes held for resuming, waiting streams). */
    private void list(RoutingContext ctx) {
        Principal p = HttpGuard.principal(ctx);
        channels.onHome(() -> JsonReply.send(ctx, 200, new JsonObject(channels.describe(n -> p.may("join", resource(n))))));
    }

    /** What the caller (a guest too, where guests are allowed) may do on one channel, and where it stands. */
    private void rights(RoutingContext ctx) {
        String name = ctx.pathParam("channel");
        if (!SseChannels.NAME.matcher(name).matches()) {
            JsonReply.error(ctx, 400, "Channel names are 1 to 64 characters: a-z 0-9 : _ . - (starting with a letter"
                    + " or digit).");
            return;
        }
        Principal p = HttpGuard.principal(ctx);
        String resource = resource(name);
        boolean follow = p == null ? guests : p.may("join", resource);
        boolean publish = p != null && !name.startsWith("feed:") && p.may("publish", resource);
        String reason = publish ? null : p == null ? "Log in to publish."
                : name.startsWith("feed:") ? "Feed channels take samples through POST /api/feeds/{feed}."
                : "Publishing to " + name + " " + publishRight(p, name);
        channels.onHome(() -> {
            JsonObject body = new JsonObject().put("channel", name).put("follow", follow).put("publish", publish)
                    .put("lastId", channels.existing(name).map(SseChannel::lastId).orElse(null));
            if (reason != null) {
                body.put("reason", reason);
            }
            JsonReply.send(ctx, 200, body);
        });
    }

    /** The right publishing to {@code channel} needs, and how an admin grants it to {@code p}. */
    private static String publishRight(Principal p, String channel) {
        return "needs the right publish:" + resource(channel) + " (admins have it; an admin grants it with: nagare user grant "
                + p.username() + " 'publish:" + resource(channel) + "').";
    }

    /** The resource a channel's rights are named by: "feed:prices" → "feed/prices", "news" → "sse/news". */
    public static String resource(String channel) {
        return channel.startsWith("feed:") ? "feed/" + channel.substring(5) : "sse/" + channel;
    }

    private void guideStream(RoutingContext ctx) {
        HttpServerResponse res = eventStream(ctx);
        Vertx vertx = ctx.vertx();
        int[] i = {0};
        res.write("data: 0\n\n");
        long timer = vertx.setPeriodic(1000, id -> {
            if (++i[0] < 10) {
                res.write(SseCodec.event(null, null, Integer.toString(i[0])));
            } else {
                vertx.cancelTimer(id);
                res.end();
            }
        });
        res.closeHandler(v -> vertx.cancelTimer(timer));
    }

    private void subscribe(RoutingContext ctx) {
        String name = ctx.pathParam("channel");
        if (!SseChannels.NAME.matcher(name).matches()) {
            JsonReply.error(ctx, 400, "Channel names are 1 to 64 characters: a-z 0-9 : _ . - (starting with a letter"
                    + " or digit).");
            return;
        }
        Principal p = HttpGuard.principal(ctx);
        if (p == null && !guests) {
            JsonReply.error(ctx, 401, "Log in (session cookie) or send Authorization: Bearer <token> to follow " + name + ".");
            return;
        }
        if (p != null && !p.may("join", resource(name))) {
            JsonReply.error(ctx, 403, "Not allowed: following " + name + " needs the right join:" + resource(name) + ".");
            return;
        }
        String rawLast = Optional.ofNullable(ctx.request().getHeader("Last-Event-ID"))
                .orElse(ctx.request().getParam("lastEventId"));
        Long lastId = null;
        if (rawLast != null && !rawLast.isBlank()) {
            try {
                lastId = Long.parseLong(rawLast.trim());
            } catch (NumberFormatException e) {
                JsonReply.error(ctx, 400, "Last-Event-ID must be an event id this server sent (a number).");
                return;
            }
        }
        Long resumeFrom = lastId;
        String who = (p == null ? "guest" : p.username()) + "@" + ctx.request().remoteAddress();
        String owner = p == null ? "guest@" + ctx.request().remoteAddress().hostAddress() : p.username();
        channels.onHome(() -> {
            boolean exists = channels.existing(name).isPresent();
            if (!exists && name.startsWith("feed:")) {
                JsonReply.error(ctx, 404, "There is no feed '" + name.substring(5) + "'.");
                return;
            }
            if (!exists && !channels.mayWait(owner)) {
                REFUSED.info("sse-waiting", "SSE subscribe by {} to {} refused: too many streams on channels without events", who, name);
                JsonReply.error(ctx, 429, "Nobody has published to " + name + " yet, and you already follow "
                        + channels.config().waitingPerUser() + " such channels; close one first.");
                return;
            }
            HttpServerResponse res = eventStream(ctx);
            SseSubscriber sub = new SseSubscriber(channels, name, res, who, owner, resumeFrom);
            res.write(Buffer.buffer(SseCodec.retry(RETRY_MS) + SseCodec.comment("connected to " + name)));
            // replays what was missed, paced by the socket; a gap is announced
            channels.join(sub);
            // These run on the loop serving the connection, which may not be home (--event-loops).
            res.closeHandler(v -> channels.onHome(sub::gone));
            res.exceptionHandler(e -> channels.onHome(sub::gone));
            auth.endWithLogin(ctx); // logout, new password, revoked token: the stream ends
            if (res.closed()) {
                sub.gone(); // closed before the handlers were set: it must not hold a place
            }
        });
    }

    private void publish(RoutingContext ctx) {
        Principal p = HttpGuard.principal(ctx);
        String name = ctx.pathParam("channel");
        if (!SseChannels.NAME.matcher(name).matches() || name.startsWith("feed:")) {
            JsonReply.error(ctx, 400, name.startsWith("feed:") ? "Publish feed samples with POST /api/feeds/{feed}."
                    : "Channel names are 1 to 64 characters: a-z 0-9 : _ . - (starting with a letter or digit).");
            return;
        }
        if (!p.may("publish", resource(name))) {
            REFUSED.info("sse-publish-right", "SSE publish by {} to {} refused: no right", p.username(), name);
            JsonReply.error(ctx, 403, "Not allowed: publishing to " + name + " " + publishRight(p, name));
            return;
        }
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        if (body == null || !body.containsKey("data")) {
            JsonReply.error(ctx, 400, "Send a JSON object {\"event\"?: name, \"data\": text or JSON}.");
            return;
        }
        Object rawData = body.getValue("data");
        String data = rawData instanceof String s ? s : io.vertx.core.json.Json.encode(rawData);
        String event = body.getValue("event") instanceof String e ? e : null;
        if (body.containsKey("event") && (event == null || !EVENT_NAME.matcher(event).matches())) {
            JsonReply.error(ctx, 400, "event must be 1 to 64 characters from A-Z a-z 0-9 _ . : -");
            return;
        }
        int maxBytes = channels.config().maxEventBytes();
        if (data.length() > maxBytes || data.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            REFUSED.info("sse-publish-size", "SSE publish by {} to {} refused: {} characters of data", p.username(), name, data.length());
            JsonReply.error(ctx, 413, "data is at most " + maxBytes + " bytes (UTF-8).");
            return;
        }
        channels.onHome(() -> {
            if (!publishRates.tryTake(p.username())) {
                REFUSED.info("sse-publish-rate", "SSE publish by {} to {} refused: rate", p.username(), name);
                ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, (long) Math.ceil(1 / publishRates.rate()))));
                JsonReply.error(ctx, 429, "Slow down: " + publishRates.describe("events") + ".");
                return;
            }
            Optional<SseChannel> channel = channels.forPublish(name);
            if (channel.isEmpty()) {
                REFUSED.info("sse-channels-full", "SSE publish by {} to {} refused: all {} channels are in use", p.username(), name,
                        channels.config().maxChannels());
                JsonReply.error(ctx, 503, "This server already holds its maximum of " + channels.config().maxChannels()
                        + " SSE channels; a channel nobody follows is removed "
                        + channels.config().historyAge().toSeconds() + " s after its last event. Publish to an"
                        + " existing channel, or try again later.");
                return;
            }
            channels.publish(channel.get(), event, data).onComplete(ar -> {
                if (ar.succeeded()) {
                    JsonReply.send(ctx, 202, new JsonObject().put("id", ar.result()).put("channel", name));
                } else {
                    REFUSED.info("sse-cluster-down", "SSE publish by {} to {} failed: {}", p.username(), name,
                            ar.cause().getMessage());
                    JsonReply.error(ctx, 503, "The cluster's event log cannot be reached; try again shortly.");
                }
            });
        });
    }

    private static HttpServerResponse eventStream(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        res.setChunked(true);
        res.putHeader("Content-Type", "text/event-stream; charset=utf-8");
        res.putHeader("Cache-Control", "no-store");
        // Tell nginx and similar proxies not to buffer the stream.
        res.putHeader("X-Accel-Buffering", "no");
        return res;
    }
}
