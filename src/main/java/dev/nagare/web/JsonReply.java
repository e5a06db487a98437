package dev.nagare.web;

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

    /** The machine-readable name of an error status, as in every JSON error body. */
    public static String reason(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 429 -> "too_many_requests";
            case 431 -> "request_header_fields_too_large";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal_error" : "error";
        };
    }

    /** Sends a JSON error, or resets the stream when a response was already under way. */
    public static void error(RoutingContext ctx, int status, String message) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        send(ctx, status, new JsonObject()
                .put("status", status)
                .put("error", reason(status))
                .put("message", message));
    }
}
