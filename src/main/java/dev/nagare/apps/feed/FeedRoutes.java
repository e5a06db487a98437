package dev.nagare.apps.feed;

import dev.nagare.api.AuditLog;
import dev.nagare.auth.ClientAddress;
import dev.nagare.auth.KeyedRates;
import dev.nagare.auth.Principal;
import dev.nagare.auth.http.HttpGuard;
import dev.nagare.web.JsonReply;
import dev.nagare.web.OnContext;
import dev.nagare.web.StaticAssets;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import dev.nagare.web.RefusalLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feeds over HTTP, and the dashboard page:
 * <ul>
 *   <li>{@code GET /api/feeds}: the feeds the caller may follow (join:feed/&lt;name&gt;), their keys and sources;</li>
 *   <li>{@code POST /api/feeds} (admin): add a feed from a {@link FeedSpec} object;
 *       {@code DELETE /api/feeds/{feed}} (admin): remove it;
 *       {@code POST /api/feeds/{feed}/pause} and {@code .../resume} (admin): stop its source and refuse
 *       publishes (409) until resumed; each of these four is audited;</li>
 *   <li>{@code POST /api/feeds/{feed}}: publish {@code {"samples": [...]}}, with publish:feed/&lt;name&gt;
 *       (a scoped token, e.g. {@code nagare token create sensor --scope publish:feed/lab});</li>
 *   <li>{@code GET /api/feeds/{feed}/history?seconds=300&points=300}: downsampled history (on a worker; a
 *       few per user at once, more get 429);</li>
 *   <li>{@code GET /dashboard}: live charts and a table.</li>
 * </ul>
 */
public final class FeedRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(FeedRoutes.class);
    private static final RefusalLog REFUSED = new RefusalLog(LOG);

    private final FeedHub hub;
    private final HttpGuard auth;
    private final AuditLog audit;
    private final ClientAddress addresses;
    private final KeyedRates publishRates = new KeyedRates(50);

    /** {@code audit}: where the administrators' actions on feeds are recorded, with the address {@code addresses} tells. */
    public FeedRoutes(FeedHub hub, HttpGuard auth, dev.nagare.auth.RateSharing rates, AuditLog audit, ClientAddress addresses) {
        this.hub = hub;
        this.auth = auth;
        this.audit = audit;
        this.addresses = addresses;
        rates.share("feed.publish.http", publishRates);
    }

    public void mount(Router router, StaticAssets assets) {
        router.get("/dashboard").handler(assets.page("web/dashboard/index.html"));
        router.get("/vendor/uplot/*").handler(assets.directory("/vendor/uplot/", "web/vendor/uplot",
                StaticAssets.CachePolicy.REVALIDATE));
        // The hub lives on the home context; a request may be served by another event loop.
        OnContext home = OnContext.of(hub.home());
        router.get("/api/feeds").handler(auth.attach()).handler(auth.require()).handler(home)
                .handler(ctx -> JsonReply.send(ctx, 200, new JsonObject().put("feeds",
                        new JsonArray(hub.list(HttpGuard.principal(ctx))))));
        router.post("/api/feeds").handler(auth.attach()).handler(auth.require()).handler(home).handler(this::create);
        router.delete("/api/feeds/:feed").handler(auth.attach()).handler(auth.require()).handler(home).handler(this::delete);
        router.post("/api/feeds/:feed/pause").handler(auth.attach()).handler(auth.require()).handler(home)
                .handler(ctx -> pause(ctx, true));
        router.post("/api/feeds/:feed/resume").handler(auth.attach()).handler(auth.require()).handler(home)
                .handler(ctx -> pause(ctx, false));
        router.post("/api/feeds/:feed").handler(auth.attach()).handler(auth.require()).handler(home).handler(this::publish);
        router.get("/api/feeds/:feed/history").handler(auth.attach()).handler(auth.require()).handler(home)
                .handler(this::history);
    }

    private void create(RoutingContext ctx) {
        Principal p = HttpGuard.permit(ctx, "admin", "feeds");
        if (p == null) {
            return;
        }
        FeedSpec spec;
        try {
            JsonObject body = ctx.body().asJsonObject();
            if (body == null) {
                throw new IllegalArgumentException("send a JSON object such as {\"name\":\"lab\",\"type\":\"push\"}");
            }
            spec = FeedSpec.parse(body);
        } catch (RuntimeException e) {
            audited(ctx, p, "add feed", "-", false);
            JsonReply.error(ctx, 400, "Not a feed: " + e.getMessage() + ".");
            return;
        }
        hub.create(spec).onComplete(ar -> audited(ctx, p, "add feed", spec.name(), ar.succeeded())).onSuccess(d -> {
            LOG.info("Feed {} added by {}", spec.name(), p.username());
            JsonReply.send(ctx, 201, d);
        }).onFailure(e -> JsonReply.error(ctx, 409, "Cannot add the feed: " + e.getMessage() + "."));
    }

    private void delete(RoutingContext ctx) {
        Principal p = HttpGuard.permit(ctx, "admin", "feeds");
        if (p == null) {
            return;
        }
        boolean removed = hub.delete(ctx.pathParam("feed"));
        audited(ctx, p, "remove feed", ctx.pathParam("feed"), removed);
        if (removed) {
            ctx.response().setStatusCode(204).end();
        } else {
            JsonReply.error(ctx, 404, "No feed '" + ctx.pathParam("feed") + "'.");
        }
    }

    /** Pauses ({@code paused}) or resumes a feed; answers its description, with {@code paused} and {@code status}. */
    private void pause(RoutingContext ctx, boolean paused) {
        Principal p = HttpGuard.permit(ctx, "admin", "feeds");
        if (p == null) {
            return;
        }
        String name = ctx.pathParam("feed");
        hub.pause(name, paused, p.username()).onComplete(ar -> {
            audited(ctx, p, paused ? "pause feed" : "resume feed", name, ar.succeeded());
            if (ar.succeeded()) {
                LOG.info("Feed {} {} by {}", name, paused ? "paused" : "resumed", p.username());
                JsonReply.send(ctx, 200, ar.result());
            } else if (ar.cause() instanceof java.util.NoSuchElementException) {
                JsonReply.error(ctx, 404, ar.cause().getMessage());
            } else {
                LOG.warn("Feed {}: could not store its {}: {}", name, paused ? "pause" : "resumption", ar.cause().toString());
                JsonReply.error(ctx, 500, "The store did not answer; see the server log.");
            }
        });
    }

    private void audited(RoutingContext ctx, Principal p, String action, String feed, boolean ok) {
        audit.record(p.username(), addresses.of(ctx.request()), action, String.valueOf(feed), ok);
    }

    private void publish(RoutingContext ctx) {
        Feed feed = hub.feed(ctx.pathParam("feed")).orElse(null);
        if (feed == null) {
            JsonReply.error(ctx, 404, "No feed '" + ctx.pathParam("feed") + "'; an admin adds one with POST /api/feeds.");
            return;
        }
        Principal p = HttpGuard.permit(ctx, "publish", "feed/" + feed.name());
        if (p == null) {
            return;
        }
        if (feed.paused) {
            REFUSED.info("feed-publish-paused", "Feed {} publish by {} refused: paused", feed.name(), p.username());
            JsonReply.error(ctx, 409, "Feed '" + feed.name() + "' is paused; it takes samples again once an administrator"
                    + " resumes it (POST /api/feeds/" + feed.name() + "/resume).");
            return;
        }
        if (!publishRates.tryTake(p.username())) {
            JsonReply.error(ctx, 429, "Slow down: " + publishRates.describe("batches") + ".");
            return;
        }
        List<FeedSample> samples;
        try {
            samples = FeedSample.parseBatch(ctx.body().asJsonObject(), System.currentTimeMillis(), hub.config().maxSkewMs());
        } catch (RuntimeException e) {
            REFUSED.info("feed-publish", "Feed {} publish by {} refused: {}", feed.name(), p.username(), e.getMessage());
            JsonReply.error(ctx, 400, "Bad samples: " + e.getMessage() + ".");
            return;
        }
        int accepted = hub.publish(feed, samples);
        JsonReply.send(ctx, 202, new JsonObject().put("accepted", accepted).put("refused", samples.size() - accepted));
    }

    private void history(RoutingContext ctx) {
        Feed feed = hub.feed(ctx.pathParam("feed")).orElse(null);
        if (feed == null) {
            JsonReply.error(ctx, 404, "No feed '" + ctx.pathParam("feed") + "'.");
            return;
        }
        Principal p = HttpGuard.permit(ctx, "join", "feed/" + feed.name());
        if (p == null) {
            return;
        }
        long seconds;
        int points;
        try {
            seconds = Long.parseLong(String.valueOf(ctx.request().getParam("seconds", "300")));
            points = Integer.parseInt(String.valueOf(ctx.request().getParam("points", "300")));
        } catch (NumberFormatException e) {
            seconds = -1;
            points = -1;
        }
        if (seconds < 10 || seconds > Feed.MAX_AGE_MS / 1000 || points < 10 || points > 2000) {
            JsonReply.error(ctx, 400, "seconds must be 10 to " + Feed.MAX_AGE_MS / 1000 + " and points 10 to 2000.");
            return;
        }
        hub.history(feed, seconds * 1000, points, p.username(), h -> h.put("feed", feed.name()).toBuffer()).onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.response().setStatusCode(200)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                        .end(ar.result()); // encoded on the worker too
            } else if (ar.cause() instanceof FeedHub.Busy busy) {
                REFUSED.info("feed-history-busy", "Feed {} history for {} refused: busy", feed.name(), p.username());
                ctx.response().putHeader("Retry-After", "1");
                JsonReply.error(ctx, 429, busy.getMessage());
            } else {
                LOG.warn("Feed {} history failed: {}", feed.name(), ar.cause().toString());
                JsonReply.error(ctx, 500, "Could not compute the history.");
            }
        });
    }
}
