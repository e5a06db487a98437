package dev.nagare.server;

import dev.nagare.adapter.RedisLink;
import dev.nagare.store.Store;
import io.vertx.core.Future;
import dev.nagare.web.JsonReply;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: the store answers, the cluster's
 * Redis (if any) answers and holds this node's subscriptions, and the server is not draining; 503
 * otherwise, so a load balancer stops sending new clients.
 */
final class HealthHandler {
    private final Store store;
    private final RedisLink cluster;
    private final BooleanSupplier draining;

    /** {@code cluster} is null on a single node. */
    HealthHandler(Store store, RedisLink cluster, BooleanSupplier draining) {
        this.store = store;
        this.cluster = cluster;
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
        Future<Void> storeUp = store.ping().timeout(2, TimeUnit.SECONDS);
        Future<Void> clusterUp = cluster == null ? Future.succeededFuture()
                : cluster.subscribed() ? cluster.ping().timeout(2, TimeUnit.SECONDS)
                : Future.failedFuture("not subscribed");
        Future.join(storeUp, clusterUp).onComplete(ar -> {
            boolean up = storeUp.succeeded() && clusterUp.succeeded();
            JsonObject checks = new JsonObject().put("store", storeUp.succeeded() ? "UP" : "DOWN");
            if (cluster != null) {
                checks.put("cluster", clusterUp.succeeded() ? "UP" : "DOWN");
            }
            JsonReply.send(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks));
        });
    }
}
