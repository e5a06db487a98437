package dev.nagare.server;

import dev.nagare.web.NettyChannels;
import dev.nagare.web.JsonReply;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds TCP connections of every kind (HTTP, SSE, MJPEG, audio, Engine.IO), before any of them
 * holds a file descriptor for long:
 * <ul>
 *   <li>a global cap below the process's open-file limit: past it a new connection is closed at
 *       once, so accept() never fails with "Too many open files" and the server stays reachable
 *       once load falls;</li>
 *   <li>a cap per client address (trusted proxies exempt: they carry many clients); past it the
 *       connection's first request is answered 429 with a JSON reason and the connection closed;</li>
 *   <li>a deadline for the first request: a connection that has not sent a whole request head in
 *       time is closed (slow or silent clients; keep-alive connections are then under the idle timeout).</li>
 * </ul>
 * The main port's connections are served by several event loops ({@code --event-loops}), so its
 * counts are thread-safe (atomics, a concurrent map, a lock around the per-address and per-user tables).
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    /** Descriptors kept back from the global cap for the store, logs, ffmpeg pipes and the JVM. */
    private static final int RESERVED_DESCRIPTORS = 512;

    private final Vertx vertx;
    private final int maxConnections;
    private final int perAddress;
    private final long firstRequestMs;
    private final Set<String> exempt;
    /** Connections still speaking HTTP, for their requests' look-ups; an upgraded one leaves it (see {@link #whenClosed}). */
    private final Map<HttpConnection, Conn> http = new ConcurrentHashMap<>();
    /** Open connections of every kind, upgraded ones included: the global cap counts them. */
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, Integer> byAddress = new HashMap<>(); // guarded by this
    private final Map<Long, Integer> streamsByUser = new HashMap<>(); // guarded by this
    private final dev.nagare.web.RefusalLog refusals = new dev.nagare.web.RefusalLog(LOG);

    private static final class Conn {
        final String address;
        final boolean counted;
        final boolean refused;
        volatile long timer = -1;
        volatile Long streamUser; // the account whose stream quota this connection's current request holds
        final AtomicBoolean closed = new AtomicBoolean();

        Conn(String address, boolean counted, boolean refused) {
            this.address = address;
            this.counted = counted;
            this.refused = refused;
        }
    }

    /**
     * @param maxConnections global cap; 0 derives it from the open-file limit
     * @param perAddress most connections from one address; 0 for no cap
     */
    ConnectionGuard(Vertx vertx, int maxConnections, int perAddress, long firstRequestMs, Set<String> exempt) {
        this.vertx = vertx;
        this.maxConnections = maxConnections > 0 ? maxConnections : fromDescriptorLimit();
        this.perAddress = perAddress;
        this.firstRequestMs = firstRequestMs;
        this.exempt = Set.copyOf(exempt);
    }

    int maxConnections() {
        return maxConnections;
    }

    /** The open-file limit less a reserve, or 10,000 where the JVM cannot tell it. */
    static int fromDescriptorLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long limit = unix.getMaxFileDescriptorCount();
            return (int) Math.max(64, Math.min(Integer.MAX_VALUE, limit - Math.max(RESERVED_DESCRIPTORS, limit / 10)));
        }
        return 10_000;
    }

    /** The server's connection handler. */
    Handler<HttpConnection> onConnection() {
        return conn -> {
            String address = conn.remoteAddress() == null ? "-" : conn.remoteAddress().hostAddress();
            // Taken before it is checked: connections accepted at once on several loops cannot all pass.
            if (open.incrementAndGet() > maxConnections) {
                open.decrementAndGet();
                refusals.info("tcp-cap", "Closed a connection from {}: {} connections open, the most allowed (--max-tcp-connections)",
                        address, maxConnections);
                conn.close();
                return;
            }
            boolean counted = perAddress > 0 && !exempt.contains(address);
            boolean refused = false;
            if (counted) {
                synchronized (this) {
                    int n = byAddress.getOrDefault(address, 0);
                    if (n >= perAddress) {
                        refused = true;
                        counted = false;
                    } else {
                        byAddress.put(address, n + 1);
                    }
                }
            }
            Conn c = new Conn(address, counted, refused);
            http.put(conn, c);
            whenClosed(conn, c);
            // A refused connection gets one chance to hear why, briefly.
            long deadline = refused ? Math.min(1000, firstRequestMs) : firstRequestMs;
            c.timer = vertx.setTimer(deadline, t -> {
                c.timer = -1;
                LOG.debug("Closed a connection from {} that sent no request within {} ms", address, deadline);
                conn.close();
            });
        };
    }

    /** First router handler: the request head has arrived; refused connections are answered 429. */
    void onRequest(RoutingContext ctx) {
        Conn c = http.get(ctx.request().connection());
        if (c != null && c.timer >= 0) {
            vertx.cancelTimer(c.timer);
            c.timer = -1;
        }
        if (c != null && c.refused) {
            refusals.info("address-cap", "Refused a request from {}: over {} connections from one address (--max-connections-per-address)",
                    c.address, perAddress);
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close").putHeader(HttpHeaders.RETRY_AFTER, "5")
                    .endHandler(v -> ctx.request().connection().close());
            JsonReply.error(ctx, 429, "Too many connections from your address (" + perAddress
                    + "); close some and retry");
            return;
        }
        ctx.next();
    }

    /**
     * For long-lived responses (SSE, MJPEG, audio), after the principal is attached: one account may
     * hold at most {@code perUser} at once, whatever its addresses; more get 429 with a JSON reason.
     * A stream is released when its response ends or its connection closes. Anonymous streams are
     * bounded by the per-address cap.
     */
    Handler<RoutingContext> streams(int perUser) {
        return ctx -> {
            Conn c = http.get(ctx.request().connection());
            dev.nagare.auth.Principal p = dev.nagare.auth.http.HttpGuard.principal(ctx);
            if (c == null || p == null || perUser <= 0) {
                ctx.next();
                return;
            }
            long user = p.userId();
            synchronized (this) {
                int n = streamsByUser.getOrDefault(user, 0);
                if (n >= perUser) {
                    refusals.info("stream-cap", "Refused a stream for user {}: {} open, the most allowed (--max-streams-per-user)", p.username(), n);
                    JsonReply.error(ctx, 429, "Too many open streams for your account (" + perUser + "); close some and retry");
                    return;
                }
                streamsByUser.put(user, n + 1);
            }
            releaseStream(c); // a keep-alive connection's previous stream, if its end went unseen
            c.streamUser = user;
            ctx.response().endHandler(v -> releaseStream(c));
            ctx.next();
        };
    }

    private void releaseStream(Conn c) {
        Long user = c.streamUser;
        if (user == null) {
            return;
        }
        c.streamUser = null;
        synchronized (this) {
            streamsByUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Streams an account holds now, for tests and metrics. */
    synchronized int streams(long userId) {
        return streamsByUser.getOrDefault(userId, 0);
    }

    /**
     * Calls {@link #closed} once the connection's socket closes. Vert.x's own close handler is not
     * called for a connection that was upgraded to a WebSocket (the upgrade hands the channel to a
     * new connection object), so {@link NettyChannels#whenClosed} also follows the upgraded channel;
     * ConnectionLimitsTest's WebSocket test fails loudly if that stops working. At the upgrade (or
     * the close) the HTTP connection object is dropped from {@link #http}; the close action refers only to
     * {@code c}: the dead object, with the upgrade request and Vert.x's buffers it holds, is then
     * collected while the WebSocket lives (issue #21).
     */
    private void whenClosed(HttpConnection conn, Conn c) {
        NettyChannels.whenClosed(conn, () -> http.remove(conn, c), () -> closed(c));
    }

    private void closed(Conn c) {
        if (!c.closed.compareAndSet(false, true)) {
            return;
        }
        open.decrementAndGet();
        releaseStream(c);
        if (c.timer >= 0) {
            vertx.cancelTimer(c.timer);
        }
        if (c.counted) {
            synchronized (this) {
                byAddress.computeIfPresent(c.address, (a, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    /** Open connections, for tests and metrics. */
    int open() {
        return open.get();
    }
}
