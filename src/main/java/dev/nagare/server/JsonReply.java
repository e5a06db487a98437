package dev.nagare.server;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON responses, including the error shape {@code {"status","error","message"}} every API uses. */
public final class JsonReply {
    private JsonReply() {
    }

    public static void send(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(body.encode());
    }

    /** Sends a JSON error, or resets the stream when a response was already under way. */
    public static void error(RoutingContext ctx, int status, String message) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        send(ctx, status, new JsonObject()
                .put("status", status)
                .put("error", ErrorPages.reason(status))
                .put("message", message));
    }
}
