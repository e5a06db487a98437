package dev.nagare.server;

import dev.nagare.auth.ClientAddress;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per finished request on logger {@code nagare.access}. Only the path is logged, never the
 * query string, which may carry tokens; control characters are escaped so a request cannot forge
 * log lines.
 */
public final class AccessLog implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger("nagare.access");

    private final ClientAddress clientAddress;

    public AccessLog(ClientAddress clientAddress) {
        this.clientAddress = clientAddress;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        HttpServerRequest req = ctx.request();
        ctx.addEndHandler(done -> LOG.info("{} \"{} {} {}\" {} {} {}ms \"{}\"",
                escape(clientAddress.of(req)),
                req.method(), escape(req.path()), protocol(req),
                ctx.response().getStatusCode(), ctx.response().bytesWritten(),
                (System.nanoTime() - start) / 1_000_000,
                escape(req.getHeader("User-Agent"))));
        ctx.next();
    }

    private static String protocol(HttpServerRequest req) {
        return switch (req.version()) {
            case HTTP_1_0 -> "HTTP/1.0";
            case HTTP_1_1 -> "HTTP/1.1";
            case HTTP_2 -> "HTTP/2.0";
        };
    }

    /** Escapes quotes, backslashes and anything outside printable ASCII. */
    static String escape(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), 512));
        for (int i = 0; i < s.length() && b.length() < 512; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
