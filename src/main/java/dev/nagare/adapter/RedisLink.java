package dev.nagare.adapter;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's two links to Redis: a pooled client for PUBLISH and commands, and one subscriber
 * connection that holds every SUBSCRIBE and PSUBSCRIBE of every namespace's {@link RedisAdapter}.
 * When the subscriber connection drops (Redis restarted, a network pause), the link reports not
 * ready, reconnects with backoff (0.2 s doubling to 5 s) and subscribes everything again.
 * Subscription tables and the connection are owned by the link's own context.
 */
public final class RedisLink {
    private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final Vertx vertx;
    private final ClusterConfig config;
    private final Context context;
    private final RedisOptions options;
    private final Redis commands;
    private final Redis subscriber;
    private final Redis publisherClient;
    /** The one connection every PUBLISH goes through, so that they reach Redis in the order they were made. */
    private Future<RedisConnection> publisher;   // guarded by this
    private long publisherFailedAt;              // guarded by this
    private final Map<String, Consumer<byte[]>> channels = new LinkedHashMap<>();                // context only
    private final Map<String, BiConsumer<String, byte[]>> patterns = new LinkedHashMap<>();     // context only
    private RedisConnection sub;                                                               // context only
    private long backoffMs = 200;                                                              // context only
    private boolean closed;                                                                    // context only
    private volatile boolean subscribed;
    private final Promise<Void> firstUp = Promise.promise();
    private final List<Consumer<Boolean>> stateListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long lastWarning;                                                                  // context only
    private long warningsSkipped;                                                              // context only

    public RedisLink(Vertx vertx, ClusterConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.context = vertx.getOrCreateContext();
        RedisOptions options = new RedisOptions().setConnectionString(config.url())
                .setMaxPoolSize(8).setMaxPoolWaiting(10_000).setMaxWaitingHandlers(100_000);
        if (config.password() != null) {
            options.setPassword(config.password());
        }
        NetClientOptions net = new NetClientOptions().setConnectTimeout(5_000).setTcpKeepAlive(true);
        if (config.tls()) {
            net.setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
            if (config.caFile() != null) {
                net.setTrustOptions(new PemTrustOptions().addCertPath(config.caFile().toString()));
            }
        }
        options.setNetClientOptions(net);
        this.options = options;
        this.commands = Redis.createClient(vertx, options);
        this.subscriber = Redis.createClient(vertx, new RedisOptions(options).setMaxPoolSize(1));
        this.publisherClient = Redis.createClient(vertx, new RedisOptions(options).setMaxPoolSize(1));
    }

    public ClusterConfig config() {
        return config;
    }

    /**
     * A copy of the options this link connects with (address, password, TLS), for a client of its
     * own: a connection that blocks (XREAD BLOCK) must be neither the pool's nor the subscriber's.
     */
    public RedisOptions options() {
        return new RedisOptions(options);
    }

    /**
     * Connects the subscriber; the future completes once it is subscribed, or fails after {@code wait}
     * (the link keeps trying in the background either way).
     */
    public Future<Void> start(long waitMs) {
        context.runOnContext(v -> connect());
        return firstUp.future().timeout(waitMs, TimeUnit.MILLISECONDS);
    }

    /** Called with true each time the subscriber is (again) subscribed, false each time it is lost. */
    public void onState(Consumer<Boolean> listener) {
        stateListeners.add(listener);
    }

    private void state(boolean up) {
        subscribed = up;
        stateListeners.forEach(l -> l.accept(up));
    }

    /** Subscribed and not closed: what {@code /health/ready} reports, with {@link #ping()}. */
    public boolean subscribed() {
        return subscribed;
    }

    public Future<Void> ping() {
        return commands.send(Request.cmd(Command.PING)).mapEmpty();
    }

    /**
     * Publishes on one connection: two broadcasts made in order reach every node in that order (a
     * pool would spread them over connections). While Redis is away, publishes fail at once.
     */
    public Future<Void> publish(String channel, byte[] message) {
        Request request = Request.cmd(Command.PUBLISH).arg(channel).arg(message);
        return sendInOrder(request).<Void>mapEmpty()
                .onFailure(e -> warn("publish to " + channel + " failed: " + e.getMessage()));
    }

    /** Sends {@code request} on the publishing connection: after every publish and command sent before it. */
    public Future<Response> sendInOrder(Request request) {
        return publisher().compose(c -> c.send(request));
    }

    private synchronized Future<RedisConnection> publisher() {
        if (publisher == null || publisher.failed()) {
            if (publisher != null && System.currentTimeMillis() - publisherFailedAt < 500) {
                return publisher; // do not retry the connection for every message while Redis is away
            }
            Future<RedisConnection> opening = publisherClient.connect();
            publisher = opening;
            opening.onComplete(ar -> {
                if (ar.failed()) {
                    synchronized (this) {
                        publisherFailedAt = System.currentTimeMillis();
                    }
                    return;
                }
                RedisConnection c = ar.result();
                c.exceptionHandler(e -> publisherLost(opening));
                c.endHandler(v -> publisherLost(opening));
            });
        }
        return publisher;
    }

    private synchronized void publisherLost(Future<RedisConnection> lost) {
        if (publisher == lost) {
            publisher = null;
        }
    }

    /** Subscribers of {@code channel} on the Redis server: how many nodes will answer a request. */
    public Future<Long> numsub(String channel) {
        return commands.send(Request.cmd(Command.PUBSUB).arg("NUMSUB").arg(channel))
                .map(r -> r.size() >= 2 ? r.get(1).toLong() : 0L);
    }

    /** Sends any command on the pooled client (tests, diagnostics). */
    public Future<Response> send(Request request) {
        return commands.send(request);
    }

    public void subscribe(String channel, Consumer<byte[]> handler) {
        context.runOnContext(v -> {
            channels.put(channel, handler);
            if (sub != null && subscribed) {
                sub.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).onFailure(this::dropped);
            }
        });
    }

    public void psubscribe(String pattern, BiConsumer<String, byte[]> handler) {
        context.runOnContext(v -> {
            patterns.put(pattern, handler);
            if (sub != null && subscribed) {
                sub.send(Request.cmd(Command.PSUBSCRIBE).arg(pattern)).onFailure(this::dropped);
            }
        });
    }

    /**
     * Drops {@code handler}'s subscription to {@code channel}; a handler that replaced it (a namespace's
     * new adapter subscribes before the old one closes) keeps the channel.
     */
    public void unsubscribe(String channel, Consumer<byte[]> handler) {
        context.runOnContext(v -> {
            if (channels.remove(channel, handler) && sub != null && subscribed) {
                sub.send(Request.cmd(Command.UNSUBSCRIBE).arg(channel));
            }
        });
    }

    public void punsubscribe(String pattern, BiConsumer<String, byte[]> handler) {
        context.runOnContext(v -> {
            if (patterns.remove(pattern, handler) && sub != null && subscribed) {
                sub.send(Request.cmd(Command.PUNSUBSCRIBE).arg(pattern));
            }
        });
    }

    public Future<Void> close() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            closed = true;
            subscribed = false;
            RedisConnection c = sub;
            sub = null;
            Future<Void> closing = c == null ? Future.succeededFuture() : c.close();
            Future<RedisConnection> pub;
            synchronized (this) {
                pub = publisher;
                publisher = null;
            }
            Future<Void> closingPub = pub == null || !pub.succeeded() ? Future.succeededFuture() : pub.result().close();
            closing.eventually(() -> closingPub).eventually(() -> commands.close().eventually(subscriber::close)
                    .eventually(publisherClient::close)).onComplete(ar -> done.complete());
        });
        return done.future();
    }

    private void connect() {
        if (closed) {
            return;
        }
        subscriber.connect().onComplete(ar -> {
            if (closed) {
                if (ar.succeeded()) {
                    ar.result().close();
                }
                return;
            }
            if (ar.failed()) {
                if (refusedUs(ar.cause())) {
                    firstUp.tryFail(ar.cause()); // no point in waiting: a start is told at once
                }
                warn("cannot reach Redis at " + config + ": " + ar.cause().getMessage() + "; retrying");
                retry();
                return;
            }
            RedisConnection c = ar.result();
            sub = c;
            c.handler(this::onPush);
            c.exceptionHandler(e -> dropped(c, e));
            c.endHandler(v -> dropped(c, new IllegalStateException("connection closed")));
            List<Request> all = new ArrayList<>();
            if (!channels.isEmpty()) {
                Request r = Request.cmd(Command.SUBSCRIBE);
                channels.keySet().forEach(r::arg);
                all.add(r);
            }
            if (!patterns.isEmpty()) {
                Request r = Request.cmd(Command.PSUBSCRIBE);
                patterns.keySet().forEach(r::arg);
                all.add(r);
            }
            Future<?> subscribing = all.isEmpty() ? Future.succeededFuture() : Future.all(all.stream().map(c::send).toList());
            subscribing.onComplete(s -> {
                if (s.failed() || sub != c) {
                    dropped(c, s.failed() ? s.cause() : new IllegalStateException("replaced"));
                    return;
                }
                boolean again = firstUp.future().isComplete();
                backoffMs = 200;
                state(true);
                firstUp.tryComplete();
                LOG.info("cluster: {} Redis at {} ({} channels, {} patterns)", again ? "reconnected to" : "connected to",
                        config, channels.size(), patterns.size());
            });
        });
    }

    /** Redis answered, but not to us: a wrong password or a certificate we do not trust (settings, not an outage). */
    public static boolean refusedUs(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof javax.net.ssl.SSLException || m.startsWith("WRONGPASS") || m.startsWith("NOAUTH")
                    || m.contains("PKIX path") || m.contains("No subject alternative")) {
                return true;
            }
        }
        return false;
    }

    private void dropped(Throwable e) {
        dropped(sub, e);
    }

    private void dropped(RedisConnection c, Throwable e) {
        if (c == null || c != sub || closed) {
            return;
        }
        sub = null;
        state(false);
        LOG.warn("cluster: lost the Redis subscription at {} ({}); this node reports not ready until it is back",
                config, e.getMessage());
        c.close();
        retry();
    }

    private void retry() {
        long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        vertx.setTimer(delay, t -> context.runOnContext(v -> connect()));
    }

    /** A pushed message: [message, channel, payload] or [pmessage, pattern, channel, payload]. */
    private void onPush(Response r) {
        if (r == null || !r.isArray() || r.size() < 3) {
            return;
        }
        String kind = r.get(0).toString();
        try {
            if ("message".equals(kind)) {
                Consumer<byte[]> h = channels.get(r.get(1).toString());
                if (h != null) {
                    h.accept(r.get(2).toBytes());
                }
            } else if ("pmessage".equals(kind) && r.size() >= 4) {
                BiConsumer<String, byte[]> h = patterns.get(r.get(1).toString());
                if (h != null) {
                    h.accept(r.get(2).toString(), r.get(3).toBytes());
                }
            }
        } catch (RuntimeException e) {
            // A message one namespace cannot take must never end the subscriber (CLUSTER_NOTES 7).
            warn("a message on " + r.get(1) + " was dropped: " + e);
        }
    }

    /** At most one warning a second, so a flood of bad messages cannot flood the log. */
    public void warn(String line) {
        long now = System.currentTimeMillis();
        synchronized (this) {
            if (now - lastWarning < 1000) {
                warningsSkipped++;
                return;
            }
            lastWarning = now;
            long skipped = warningsSkipped;
            warningsSkipped = 0;
            LOG.warn("cluster: {}{}", line, skipped == 0 ? "" : " (and " + skipped + " more in the last second)");
        }
    }
}
