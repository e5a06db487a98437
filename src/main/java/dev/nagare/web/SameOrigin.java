package dev.nagare.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Origin check of every WebSocket endpoint outside the engine (audio listening, camera and
 * microphone publishing, anything a module adds). Browsers send cookies with a cross-site WebSocket
 * handshake and do not apply CORS to it, so without this check any page the victim visits could
 * listen or publish as them (cross-site WebSocket hijacking). The rule is the engine's: no Origin
 * (not a browser) passes; otherwise the origin must be this very scheme-less host and port, or be
 * listed in {@code --allowed-origins} ({@code *}: any).
 */
public final class SameOrigin implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(SameOrigin.class);

    private final List<String> allowed;
    private final String enginePath;

    /** {@code enginePath}: requests under it are left to the engine, which checks origins itself. */
    public SameOrigin(List<String> allowed, String enginePath) {
        this.allowed = List.copyOf(allowed);
        this.enginePath = enginePath;
    }

    /** True when a request from {@code origin} to {@code authority} (host[:port]) may proceed. */
    public static boolean allowed(String origin, String authority, List<String> allowed) {
        if (origin == null || allowed.contains("*") || allowed.contains(origin)) {
            return true;
        }
        if (authority == null) {
            return false;
        }
        String lower = origin.toLowerCase(Locale.ROOT);
        String host = authority.toLowerCase(Locale.ROOT);
        return lower.equals("http://" + host) || lower.equals("https://" + host);
    }

    /** Router-wide: a WebSocket upgrade from a foreign origin gets 403 with a JSON reason; the rest pass. */
    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String upgrade = req.getHeader(HttpHeaders.UPGRADE);
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket") || req.path().startsWith(enginePath)) {
            ctx.next();
            return;
        }
        String origin = req.getHeader(HttpHeaders.ORIGIN);
        if (allowed(origin, authority(req), allowed)) {
            ctx.next();
            return;
        }
        LOG.info("Refused WebSocket {} from origin {} ({}); add it to --allowed-origins to accept it",
                clean(req.path()), clean(origin), req.remoteAddress());
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        JsonReply.error(ctx, 403, "WebSocket connections are only accepted from this site's own pages"
                + " (or an origin in --allowed-origins).");
    }

    private static String authority(HttpServerRequest req) {
        HostAndPort a = req.authority();
        if (a == null) {
            return req.getHeader(HttpHeaders.HOST);
        }
        return a.port() >= 0 ? a.host() + ":" + a.port() : a.host();
    }

    private static String clean(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 200 ? s.substring(0, 200) : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
