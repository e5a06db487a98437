package dev.nagare.sse;

import dev.nagare.auth.http.HttpGuard;
import dev.nagare.web.AppPage;
import dev.nagare.web.ServerModule;
import dev.nagare.web.MeterRows;
import dev.nagare.web.StaticAssets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * Server-Sent Events endpoints ({@code /sse/{channel}}, {@code /stream}, {@code POST /api/sse/{channel}})
 * and the viewer page {@code /sse} as a module. The channels themselves belong to the server, so that
 * apps (the feeds) publish into them whether or not these endpoints are mounted.
 */
public final class SseModule implements ServerModule {
    private final dev.nagare.auth.RateSharing rates;
    public static final String NAME = "sse";

    private final SseChannels channels;
    private final HttpGuard http;
    private final boolean guests;

    public SseModule(SseChannels channels, HttpGuard http, boolean guests, dev.nagare.auth.RateSharing rates) {
        this.rates = rates;
        this.channels = channels;
        this.http = http;
        this.guests = guests;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Future<Void> start() {
        return Future.succeededFuture();
    }

    /** Per channel: subscribers and the events held for replay; the bytes every history holds. */
    @Override
    @SuppressWarnings("unchecked")
    public Runnable metrics(MeterRegistry registry) {
        MultiGauge subscribers = MultiGauge.builder("nagare.sse.subscribers").description("SSE subscribers by channel")
                .register(registry);
        MultiGauge events = MultiGauge.builder("nagare.sse.events.retained")
                .description("Events a channel holds for readers who resume (Last-Event-ID)").register(registry);
        MultiGauge bytes = MultiGauge.builder("nagare.sse.retained.bytes")
                .description("Bytes every channel's history holds, against the budget").register(registry);
        return () -> {
            java.util.Map<String, Object> all = channels.describe(name -> true);
            java.util.Map<String, Number> s = new java.util.HashMap<>();
            java.util.Map<String, Number> e = new java.util.HashMap<>();
            for (java.util.Map<String, Object> c : (java.util.List<java.util.Map<String, Object>>) all.get("channels")) {
                s.put((String) c.get("name"), (Number) c.get("subscribers"));
                e.put((String) c.get("name"), (Number) c.get("events"));
            }
            subscribers.register(MeterRows.bounded("channel", s), true);
            events.register(MeterRows.bounded("channel", e), true);
            bytes.register(java.util.List.of(
                    MultiGauge.Row.of(io.micrometer.core.instrument.Tags.of("kind", "retained"), (Number) all.get("retainedBytes")),
                    MultiGauge.Row.of(io.micrometer.core.instrument.Tags.of("kind", "limit"), (Number) all.get("maxRetainedBytes"))),
                    true);
        };
    }

    /**
     * The viewer is {@code /sse}, beside its streams {@code /sse/{channel}} as {@code /video} is beside
     * {@code /video/{stream}}: a channel name is never empty, so the two cannot meet.
     */
    @Override
    public List<AppPage> pages() {
        return List.of(new AppPage("/sse", "SSE", true));
    }

    @Override
    public void mount(Router router, StaticAssets assets) {
        router.get("/sse").handler(assets.page("web/sse/index.html"));
        new SseRoutes(channels, http, guests, rates).mount(router);
    }
}
