package dev.nagare.server;

import dev.nagare.adapter.RedisLink;
import dev.nagare.auth.Principal;
import dev.nagare.auth.http.HttpGuard;
import dev.nagare.engine.EngineServer;
import dev.nagare.engine.EngineStats;
import dev.nagare.socketio.Namespace;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.socketio.SocketIoStats;
import dev.nagare.web.MeterRows;
import dev.nagare.web.ServerModule;
import dev.nagare.web.JsonReply;
import dev.nagare.auth.LoginThrottle;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics} in the Prometheus text format (Micrometer's Prometheus registry), for an
 * account or token with the right {@code read:metrics} (admins have it; give Prometheus a token
 * scoped to it). What it reports: Engine.IO sessions by transport, packets and bytes each way and
 * sessions ended by reason and close code; Socket.IO sockets by namespace, broadcasts and the
 * deliveries they made, connections accepted and refused, recoveries, ack latency and timeouts;
 * the event loop's lag; store transaction latency and errors ({@link MeteredStore}); password logins
 * by outcome; whether the node is joined to its cluster; each module's own (video viewers and
 * frames, audio listeners, SSE subscribers and history, game players and tick durations); and the
 * JVM's and the process's (memory, GC, threads, classes, CPU, uptime). No label holds a user's name;
 * labels whose values users choose (namespaces, channels, streams) keep at most
 * {@value MeterRows#MAX} values, the rest summed as "other" ({@link MeterRows}). A scrape reads the
 * real-time state on the engine's event loop, where it lives.
 */
final class MetricsHandler {
    static final int MAX_NAMESPACES = MeterRows.MAX;
    /** How often the event loop's lag is sampled: a timer's lateness on the loop. */
    static final long LAG_SAMPLE_MS = 250;

    private final PrometheusMeterRegistry registry;
    private final EngineServer engine;
    private final SocketIoServer io;
    private final HttpGuard auth;
    private final MultiGauge sessions;
    private final MultiGauge sockets;
    private final MultiGauge closes;
    private final MultiGauge handshakeRefusals;
    private final List<Runnable> moduleRefreshes = new ArrayList<>();

    /** A registry for the whole server: {@link MeteredStore} registers in it before the handler exists. */
    static PrometheusMeterRegistry newRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    MetricsHandler(PrometheusMeterRegistry registry, EngineServer engine, SocketIoServer io, HttpGuard auth,
            RedisLink cluster, LoginThrottle logins, List<ServerModule> modules) {
        this.registry = registry;
        this.engine = engine;
        this.io = io;
        this.auth = auth;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        sessions = MultiGauge.builder("nagare.engine.sessions").description("Open Engine.IO sessions by transport")
                .register(registry);
        sockets = MultiGauge.builder("nagare.socketio.sockets").description("Connected Socket.IO sockets by namespace")
                .register(registry);
        FunctionCounter.builder("nagare.logins", logins, LoginThrottle::successes).tag("outcome", "success")
                .description("Password logins (form and token API) on this node, by outcome").register(registry);
        FunctionCounter.builder("nagare.logins", logins, LoginThrottle::failures).tag("outcome", "failure")
                .description("Password logins (form and token API) on this node, by outcome").register(registry);
        FunctionCounter.builder("nagare.logins", logins, LoginThrottle::throttled).tag("outcome", "throttled")
                .description("Password logins (form and token API) on this node, by outcome").register(registry);
        if (cluster != null) {
            Gauge.builder("nagare.cluster.subscribed", cluster, c -> c.subscribed() ? 1 : 0)
                    .description("1 while this node holds its Redis subscriptions").register(registry);
        }
        EngineStats e = engine.stats();
        counter("nagare.engine.packets", "in", "Engine.IO packets by direction", e, EngineStats::packetsIn);
        counter("nagare.engine.packets", "out", "Engine.IO packets by direction", e, EngineStats::packetsOut);
        counter("nagare.engine.bytes", "in", "Engine.IO packet sizes by direction (text counted in characters)", e,
                EngineStats::bytesIn);
        counter("nagare.engine.bytes", "out", "Engine.IO packet sizes by direction (text counted in characters)", e,
                EngineStats::bytesOut);
        closes = MultiGauge.builder("nagare.engine.closes")
                .description("Engine.IO sessions ended since start, by reason and WebSocket close code (1008: flood or slow reader)")
                .register(registry);
        handshakeRefusals = MultiGauge.builder("nagare.engine.refusals")
                .description("Engine.IO handshakes refused since start, by reason (origin, rate, cap, admission)")
                .register(registry);
        SocketIoStats so = io.stats();
        FunctionCounter.builder("nagare.socketio.broadcasts", so, SocketIoStats::broadcasts)
                .description("Broadcasts this node delivered to its own sockets").register(registry);
        FunctionCounter.builder("nagare.socketio.deliveries", so, SocketIoStats::deliveries)
                .description("Sockets those broadcasts reached").register(registry);
        FunctionCounter.builder("nagare.socketio.connects", so, SocketIoStats::connects)
                .description("Socket.IO connections accepted").register(registry);
        FunctionCounter.builder("nagare.socketio.refusals", so, SocketIoStats::refusedByMiddleware).tag("reason", "middleware")
                .description("Socket.IO connections refused (CONNECT_ERROR), by who refused").register(registry);
        FunctionCounter.builder("nagare.socketio.refusals", so, SocketIoStats::refusedNoNamespace).tag("reason", "namespace")
                .description("Socket.IO connections refused (CONNECT_ERROR), by who refused").register(registry);
        FunctionCounter.builder("nagare.socketio.recoveries", so, SocketIoStats::recoveriesTried).tag("outcome", "tried")
                .description("Connection state recoveries: tried, and made (rooms and missed packets restored)").register(registry);
        FunctionCounter.builder("nagare.socketio.recoveries", so, SocketIoStats::recoveriesMade).tag("outcome", "made")
                .description("Connection state recoveries: tried, and made (rooms and missed packets restored)").register(registry);
        FunctionCounter.builder("nagare.socketio.ack.timeouts", so, SocketIoStats::ackTimeouts)
                .description("Acks the server waited for in vain").register(registry);
        Timer acks = Timer.builder("nagare.socketio.ack.latency").description("From a server emit with ack to the client's answer")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5))
                .register(registry);
        so.onAckLatency(n -> acks.record(n, TimeUnit.NANOSECONDS));
        sampleLag(Timer.builder("nagare.eventloop.lag").description("How late a timer on the real-time event loop fires")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(500))
                .register(registry));
        for (ServerModule m : modules) {
            moduleRefreshes.add(m.metrics(registry));
        }
    }

    private void counter(String name, String direction, String description, EngineStats stats, ToDoubleFunction<EngineStats> f) {
        FunctionCounter.builder(name, stats, f).tag("direction", direction).description(description).register(registry);
    }

    /** A timer every {@value #LAG_SAMPLE_MS} ms on the engine's loop: how late it fires is what any work there waits. */
    private void sampleLag(Timer lag) {
        engine.context().runOnContext(v -> {
            long[] due = {System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LAG_SAMPLE_MS)};
            engine.context().owner().setPeriodic(LAG_SAMPLE_MS, id -> {
                long now = System.nanoTime();
                lag.record(Math.max(0, now - due[0]), TimeUnit.NANOSECONDS);
                due[0] = now + TimeUnit.MILLISECONDS.toNanos(LAG_SAMPLE_MS);
            });
        });
    }

    void mount(Router router) {
        // attach, not require: a scraper is answered 401, never sent to the login page.
        router.get("/metrics").handler(auth.attach()).handler(this::scrape);
    }

    /** On the loopback management port: no token, only this machine reaches it ({@link ManagementServer}). */
    void mountOpen(Router router) {
        router.get("/metrics").handler(this::respond);
    }

    private void scrape(RoutingContext ctx) {
        Principal p = HttpGuard.principal(ctx);
        if (p == null) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            JsonReply.error(ctx, 401, ctx.get(HttpGuard.REFUSED) != null ? "Token refused: " + ctx.get(HttpGuard.REFUSED) + "."
                    : "Authentication required: send Authorization: Bearer <token> (right read:metrics).");
            return;
        }
        if (!p.may("read", "metrics")) {
            JsonReply.error(ctx, 403, "Not allowed: /metrics needs the right read:metrics.");
            return;
        }
        respond(ctx);
    }

    private void respond(RoutingContext ctx) {
        engine.context().runOnContext(v -> {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            for (Map.Entry<String, Integer> e : engine.sessionsByTransport().entrySet()) {
                rows.add(MultiGauge.Row.of(Tags.of("transport", e.getKey()), e.getValue()));
            }
            sessions.register(rows, true);
            Map<String, Number> perNamespace = new HashMap<>();
            for (Namespace ns : io.namespaces().values()) {
                perNamespace.put(ns.name(), ns.size());
            }
            sockets.register(MeterRows.bounded("namespace", perNamespace), true);
            List<MultiGauge.Row<?>> closed = new ArrayList<>();
            engine.stats().closes().forEach((c, n) -> closed.add(MultiGauge.Row.of(
                    Tags.of("reason", c.reason(), "code", Integer.toString(c.code())), n)));
            closes.register(closed, true);
            List<MultiGauge.Row<?>> refused = new ArrayList<>();
            engine.stats().refusals().forEach((r, n) -> refused.add(MultiGauge.Row.of(Tags.of("reason", r), n)));
            handshakeRefusals.register(refused, true);
            for (Runnable r : moduleRefreshes) {
                r.run();
            }
            String text = registry.scrape();
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(text);
        });
    }
}
