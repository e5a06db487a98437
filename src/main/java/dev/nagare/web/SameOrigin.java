package dev.nagare.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

/**
 * For WebSocket endpoints that take a browser's camera or microphone: a page on another site must
 * not be able to publish with the visitor's cookie (cross-site WebSocket hijacking), so a request
 * that carries an Origin must come from this very host and port.
 */
public final class SameOrigin {
    private SameOrigin() {
    }

    /** True when allowed; otherwise answers 403 with a JSON reason and returns false. */
    public static boolean check(RoutingContext ctx) {
        String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
        HostAndPort host = ctx.request().authority();
        if (origin != null && (host == null || !origin.endsWith("://" + host.host() + (host.port() > 0 ? ":" + host.port() : "")))) {
            JsonReply.error(ctx, 403, "Publishing is only allowed from this site's own page.");
            return false;
        }
        return true;
    }
}
