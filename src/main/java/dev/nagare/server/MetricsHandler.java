package dev.nagare.server;

import dev.nagare.adapter.RedisLink;
import dev.nagare.auth.Principal;
import dev.nagare.auth.http.HttpGuard;
import dev.nagare.engine.EngineServer;
import dev.nagare.socketio.Namespace;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.web.JsonReply;
import dev.nagare.auth.LoginThrottle;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /metrics} in the Prometheus text format (Micrometer's Prometheus registry), for an
 * account or token with the right {@code read:metrics} (admins have it; give Prometheus a token
 * scoped to it). What it reports so far: Engine.IO sessions by transport, Socket.IO sockets by
 * namespace (at most {@value #MAX_NAMESPACES} namespaces by name, the rest summed as "other", so
 * dynamic namespaces cannot grow the label set), password logins by outcome (success, failure,
 * throttled), whether the node is joined to its cluster, and the
 * JVM's and the process's own (memory, GC, threads, classes, CPU, uptime). A scrape reads the
 * real-time state on the engine's event loop, where it lives.
 */
final class MetricsHandler {
    static final int MAX_NAMESPACES = 50;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final EngineServer engine;
    private final SocketIoServer io;
    private final HttpGuard auth;
    private final MultiGauge sessions;
    private final MultiGauge sockets;

    MetricsHandler(EngineServer engine, SocketIoServer io, HttpGuard auth, RedisLink cluster, LoginThrottle logins) {
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
    }

    void mount(Router router) {
        // attach, not require: a scraper is answered 401, never sent to the login page.
        router.get("/metrics").handler(auth.attach()).handler(this::scrape);
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
        engine.context().runOnContext(v -> {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            for (Map.Entry<String, Integer> e : engine.sessionsByTransport().entrySet()) {
                rows.add(MultiGauge.Row.of(Tags.of("transport", e.getKey()), e.getValue()));
            }
            sessions.register(rows, true);
            List<Namespace> namespaces = new ArrayList<>(io.namespaces().values());
            namespaces.sort((a, b) -> a.name().compareTo(b.name()));
            List<MultiGauge.Row<?>> perNamespace = new ArrayList<>();
            int other = 0;
            for (int i = 0; i < namespaces.size(); i++) {
                if (i < MAX_NAMESPACES) {
                    perNamespace.add(MultiGauge.Row.of(Tags.of("namespace", namespaces.get(i).name()), namespaces.get(i).size()));
                } else {
                    other += namespaces.get(i).size();
                }
            }
            if (namespaces.size() > MAX_NAMESPACES) {
                perNamespace.add(MultiGauge.Row.of(Tags.of("namespace", "other"), other));
            }
            sockets.register(perNamespace, true);
            String text = registry.scrape();
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(text);
        });
    }
}
