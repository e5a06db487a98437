package dev.nagare.server;

import dev.nagare.store.Store;
import dev.nagare.web.JsonReply;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: the store answers and the
 * server is not draining; 503 otherwise, so a load balancer stops sending new clients.
 */
final class HealthHandler {
    private final Store store;
    private final BooleanSupplier draining;

    HealthHandler(Store store, BooleanSupplier draining) {
        this.store = store;
        this.draining = draining;
    }

    void mount(Router router) {
        router.get("/health/live").handler(ctx -> JsonReply.send(ctx, 200, new JsonObject()
                .put("status", "UP").put("version", Version.get())));
        router.get("/health/ready").handler(this::ready);
    }

    private void ready(RoutingContext ctx) {
        if (draining.getAsBoolean()) {
            JsonReply.send(ctx, 503, new JsonObject().put("status", "DRAINING"));
            return;
        }
        store.ping().timeout(2, TimeUnit.SECONDS).onComplete(ar -> {
            JsonObject checks = new JsonObject().put("store", ar.succeeded() ? "UP" : "DOWN");
            JsonReply.send(ctx, ar.succeeded() ? 200 : 503, new JsonObject()
                    .put("status", ar.succeeded() ? "UP" : "DOWN")
                    .put("checks", checks));
        });
    }
}
