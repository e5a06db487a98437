package dev.nagare.server;

import io.vertx.core.Handler;
import dev.nagare.web.JsonReply;
import dev.nagare.web.SecurityHeaders;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error responses: JSON {@code {"status","error","message"}} for API and health paths, a friendly
 * HTML page elsewhere. The HTML pages are static: nothing from the request is echoed into them.
 */
public final class ErrorPages {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorPages.class);
    private static final int[] HANDLED = {400, 403, 404, 405, 413, 415, 429, 500, 503};

    private final String notFoundHtml;
    private final String errorHtml;

    private ErrorPages() {
        this.notFoundHtml = resource("web/404.html");
        this.errorHtml = resource("web/error.html");
    }

    public static void install(Router router) {
        ErrorPages pages = new ErrorPages();
        for (int status : HANDLED) {
            router.errorHandler(status, pages.handler(status));
        }
    }

    private Handler<RoutingContext> handler(int status) {
        return ctx -> {
            if (status == 500 || ctx.failure() != null && !(status >= 400 && status < 500)) {
                LOG.error("Request {} {} failed", ctx.request().method(), AccessLog.escape(ctx.request().path()),
                        ctx.failure());
            } else {
                LOG.debug("{} for {} {}", status, ctx.request().method(), AccessLog.escape(ctx.request().path()));
            }
            if (ctx.response().headWritten()) {
                ctx.response().reset();
                return;
            }
            String path = ctx.request().path();
            if (path != null && (path.startsWith("/api/") || path.startsWith("/health/"))) {
                JsonReply.error(ctx, status, message(ctx, status));
            } else {
                ctx.response().setStatusCode(status)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                        .end(status == 404 ? notFoundHtml : errorHtml.replace("{{status}}", status + " "
                                + JsonReply.reason(status).replace('_', ' ')));
            }
        };
    }

    private static String message(RoutingContext ctx, int status) {
        return switch (status) {
            case 404 -> "No such endpoint: " + ctx.request().method() + " " + AccessLog.escape(ctx.request().path());
            case 405 -> "Method " + ctx.request().method() + " is not allowed here.";
            case 413 -> "Request body is larger than the server accepts (see --max-body).";
            case 500 -> "Internal error; the server log has the details.";
            default -> JsonReply.reason(status).replace('_', ' ');
        };
    }


    /**
     * Requests Netty could not decode (line or headers too long, malformed) never reach the router;
     * they get the same JSON error shape and security headers, and the connection is closed.
     */
    public static void invalidRequest(HttpServerRequest req) {
        Throwable cause = req.decoderResult().cause();
        int status = cause instanceof TooLongHttpLineException ? 414
                : cause instanceof TooLongHttpHeaderException ? 431 : 400;
        LOG.info("Rejected undecodable request from {}: {} ({})",
                req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress(), status,
                cause == null ? "malformed" : cause.getMessage());
        HttpServerResponse res = req.response();
        SecurityHeaders.apply(res.headers());
        res.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(new JsonObject().put("status", status).put("error", JsonReply.reason(status))
                        .put("message", "The request could not be read: " + JsonReply.reason(status).replace('_', ' ') + ".")
                        .encode())
                .onComplete(v -> req.connection().close());
    }

    private static String resource(String name) {
        try (InputStream in = ErrorPages.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
