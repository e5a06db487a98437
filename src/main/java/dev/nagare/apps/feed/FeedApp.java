package dev.nagare.apps.feed;

import dev.nagare.auth.KeyedRates;
import dev.nagare.auth.Principal;
import dev.nagare.auth.socketio.SocketIoGuard;
import dev.nagare.socketio.Ack;
import dev.nagare.socketio.ConnectMiddleware;
import dev.nagare.socketio.Namespace;
import dev.nagare.socketio.Socket;
import dev.nagare.socketio.SocketIoServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.nagare.web.RefusalLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds over Socket.IO, namespace {@code /feeds}. Client events, answered in the ack with
 * {@code {"ok":true,...}} or {@code {"error","message"}}:
 * <ul>
 *   <li>{@code feeds {}} → {@code {feeds: [...]}};</li>
 *   <li>{@code subscribe {feed, maxRate?: 1-60 (20), seconds?: history window (300), points?: (300)}} →
 *       {@code {feed, snapshot, history}} (history downsampled for a chart);</li>
 *   <li>{@code unsubscribe {feed}};</li>
 *   <li>{@code publish {feed, samples}} → {@code {accepted}}, with the right publish:feed/&lt;name&gt;.</li>
 * </ul>
 * A subscriber is told when an administrator pauses or resumes a feed it follows, with
 * {@code state {feed, paused, status}} (the subscribe answer's {@code feed} holds {@code paused} too).
 * Each subscriber gets {@code sample {feed, ts, seq, values}} at most {@code maxRate} times a second,
 * as a volatile packet holding the newest value of every key: a client that falls behind skips
 * ahead to the present instead of receiving a backlog (conflation). Home context only.
 */
public final class FeedApp {
    private static final Logger LOG = LoggerFactory.getLogger(FeedApp.class);
    private static final RefusalLog REFUSED = new RefusalLog(LOG);
    public static final String NAMESPACE = "/feeds";
    static final int MAX_SUBSCRIPTIONS = 20;

    private final FeedHub hub;
    private final KeyedRates publishRates = new KeyedRates(50);
    // feed name -> subscriptions to it
    private final Map<String, Map<Socket, Subscription>> subscribers = new HashMap<>();

    private FeedApp(FeedHub hub) {
        this.hub = hub;
    }

    /** Counts the feed's publish rate per user with that of the other nodes of a cluster. */
    public FeedApp share(dev.nagare.auth.RateSharing rates) {
        rates.share("feed.publish.socket", publishRates);
        return this;
    }

    public static FeedApp install(SocketIoServer io, ConnectMiddleware auth, FeedHub hub) {
        FeedApp app = new FeedApp(hub);
        Namespace ns = io.of(NAMESPACE).use(auth);
        ns.onConnection(app::connected);
        hub.listen(app::sample);
        hub.onPause(app::paused);
        // The guide's data feed: @socketio.on('data') -> send(data, broadcast=True) on the default namespace.
        Namespace root = io.of("/");
        root.onConnection(socket -> socket.on("data", (args, ack) -> {
            Principal p = SocketIoGuard.principal(socket);
            if (p == null || !p.may("publish", "feed/guide") || args.isEmpty() || !app.publishRates.tryTake(p.username())) {
                REFUSED.info("guide-data", "guide 'data' event from {} refused", p == null ? "?" : p.username());
                socket.emit("nagare:error", Map.of("event", "data", "error", "refused",
                        "message", "Sending 'data' needs the right publish:feed/guide, one argument, and "
                                + app.publishRates.describe("events") + "."));
                return;
            }
            root.emit("message", args.get(0));
        }));
        return app;
    }

    private void connected(Socket socket) {
        Principal p = SocketIoGuard.principal(socket);
        Map<String, Subscription> mine = new LinkedHashMap<>();
        socket.on("feeds", (args, ack) -> ok(ack, new JsonObject().put("feeds", new JsonArray(hub.list(p)))));
        socket.on("subscribe", (args, ack) -> {
            JsonObject a = object(args);
            Feed feed = a == null ? null : hub.feed(String.valueOf(a.getValue("feed"))).orElse(null);
            if (feed == null) {
                fail(socket, ack, "subscribe", "not_found", "No such feed; ask 'feeds' for the list.");
                return;
            }
            if (p == null || !p.may("join", "feed/" + feed.name())) {
                fail(socket, ack, "subscribe", "forbidden", "Following this feed needs the right join:feed/" + feed.name() + ".");
                return;
            }
            double rate = number(a, "maxRate", 20, 1, 60);
            double seconds = number(a, "seconds", 300, 10, Feed.MAX_AGE_MS / 1000);
            double points = number(a, "points", 300, 10, 2000);
            if (Double.isNaN(rate) || Double.isNaN(seconds) || Double.isNaN(points)) {
                fail(socket, ack, "subscribe", "invalid", "maxRate is 1-60, seconds 10-900, points 10-2000.");
                return;
            }
            if (!mine.containsKey(feed.name()) && mine.size() >= MAX_SUBSCRIPTIONS) {
                fail(socket, ack, "subscribe", "too_many", "At most " + MAX_SUBSCRIPTIONS + " feeds per connection.");
                return;
            }
            hub.history(feed, (long) (seconds * 1000), (int) points, p.username(), h -> h).onComplete(ar -> {
                if (ar.failed()) {
                    fail(socket, ack, "subscribe", ar.cause() instanceof FeedHub.Busy ? "busy" : "failed",
                            ar.cause() instanceof FeedHub.Busy ? ar.cause().getMessage() : "Could not compute the history.");
                    return;
                }
                if (!socket.connected() || hub.feed(feed.name()).orElse(null) != feed
                        || !mine.containsKey(feed.name()) && mine.size() >= MAX_SUBSCRIPTIONS) {
                    fail(socket, ack, "subscribe", "gone", "The feed or the connection went away meanwhile.");
                    return;
                }
                Subscription old = mine.put(feed.name(), new Subscription(socket, feed, rate));
                if (old != null) {
                    old.cancel();
                }
                subscribers.computeIfAbsent(feed.name(), k -> new LinkedHashMap<>()).put(socket, mine.get(feed.name()));
                ok(ack, new JsonObject().put("feed", hub.describe(feed)).put("snapshot", feed.snapshot())
                        .put("history", ar.result()));
            });
        });
        socket.on("unsubscribe", (args, ack) -> {
            JsonObject a = object(args);
            String name = a == null ? "" : String.valueOf(a.getValue("feed"));
            drop(socket, mine.remove(name));
            ok(ack, new JsonObject().put("feed", name));
        });
        socket.on("publish", (args, ack) -> {
            JsonObject a = object(args);
            Feed feed = a == null ? null : hub.feed(String.valueOf(a.getValue("feed"))).orElse(null);
            if (feed == null) {
                fail(socket, ack, "publish", "not_found", "No such feed.");
                return;
            }
            if (p == null || !p.may("publish", "feed/" + feed.name())) {
                fail(socket, ack, "publish", "forbidden", "Publishing needs the right publish:feed/" + feed.name() + ".");
                return;
            }
            if (feed.paused) {
                fail(socket, ack, "publish", "paused", "Feed '" + feed.name() + "' is paused until an administrator resumes it.");
                return;
            }
            if (!publishRates.tryTake(p.username())) {
                fail(socket, ack, "publish", "rate_limited", "Slow down: " + publishRates.describe("batches") + ".");
                return;
            }
            try {
                List<FeedSample> samples = FeedSample.parseBatch(a, System.currentTimeMillis(), hub.config().maxSkewMs());
                ok(ack, new JsonObject().put("accepted", hub.publish(feed, samples)));
            } catch (IllegalArgumentException e) {
                fail(socket, ack, "publish", "invalid", e.getMessage());
            }
        });
        socket.onDisconnect(reason -> {
            for (Subscription s : mine.values()) {
                drop(socket, s);
            }
            mine.clear();
        });
    }

    private void drop(Socket socket, Subscription s) {
        if (s == null) {
            return;
        }
        s.cancel();
        Map<Socket, Subscription> subs = subscribers.get(s.feed.name());
        if (subs != null && subs.get(socket) == s) {
            subs.remove(socket);
        }
    }

    private void sample(Feed feed, FeedSample sample) {
        Map<Socket, Subscription> subs = subscribers.get(feed.name());
        if (subs != null) {
            for (Subscription s : subs.values()) {
                s.changed();
            }
        }
    }

    /** Not volatile, unlike samples: a subscriber must not miss that its feed stopped or started again. */
    private void paused(Feed feed) {
        Map<Socket, Subscription> subs = subscribers.get(feed.name());
        if (subs == null || subs.isEmpty()) {
            return;
        }
        JsonObject d = hub.describe(feed);
        Map<String, Object> state = Map.of("feed", feed.name(), "paused", feed.paused, "status", d.getString("status"));
        for (Socket s : subs.keySet()) {
            s.emit("state", state);
        }
    }

    private static JsonObject object(List<Object> args) {
        return !args.isEmpty() && args.get(0) instanceof Map<?, ?> m ? JsonObject.mapFrom(m) : null;
    }

    /** A number within [min, max], the fallback when absent, NaN when present but wrong. */
    private static double number(JsonObject a, String key, double fallback, double min, double max) {
        Object v = a.getValue(key);
        if (v == null) {
            return fallback;
        }
        return v instanceof Number n && n.doubleValue() >= min && n.doubleValue() <= max ? n.doubleValue() : Double.NaN;
    }

    private static void ok(Ack ack, JsonObject body) {
        ack.send(new JsonObject().put("ok", true).mergeIn(body).getMap());
    }

    private static void fail(Socket socket, Ack ack, String event, String code, String message) {
        REFUSED.info("feeds-" + event, "feeds {} from {} refused: {} ({})", event, socket.handshake().remoteAddress(), code, message);
        Map<String, Object> body = Map.of("error", code, "message", message, "event", event);
        if (ack.requested()) {
            ack.send(body);
        } else {
            socket.emit("nagare:error", body);
        }
    }
}
