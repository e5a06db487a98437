package dev.nagare.web;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Security headers on every response the router sends, error pages included. They are added just
 * before the headers go out, and never overwrite a header a handler set on purpose.
 */
public final class SecurityHeaders implements Handler<RoutingContext> {

    /**
     * No 'unsafe-inline' and no 'unsafe-eval' anywhere: every script and style is a same-origin
     * file. 'self' in connect-src also covers same-origin ws:/wss: (CSP Level 3).
     */
    public static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob:",
            "connect-src 'self'",
            "font-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    /** Powerful features off everywhere; the broadcast pages use {@link #BROADCAST_PERMISSIONS_POLICY}. */
    public static final String PERMISSIONS_POLICY =
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

    /**
     * For pages that publish from the browser's camera or microphone: those two for this origin
     * only. A handler sets it on its response; {@link #apply} never overwrites it.
     */
    public static final String BROADCAST_PERMISSIONS_POLICY =
            "camera=(self), microphone=(self), geolocation=(), payment=(), usb=(), interest-cohort=()";

    private final boolean tls;

    public SecurityHeaders() {
        this(false);
    }

    /** With {@code tls}, HSTS tells browsers to use HTTPS only for a year. */
    public SecurityHeaders(boolean tls) {
        this.tls = tls;
    }

    @Override
    public void handle(RoutingContext ctx) {
        ctx.addHeadersEndHandler(v -> {
            apply(ctx.response().headers());
            if (tls) {
                setIfAbsent(ctx.response().headers(), "Strict-Transport-Security", "max-age=31536000");
            }
        });
        ctx.next();
    }

    public static void apply(MultiMap h) {
        setIfAbsent(h, "Content-Security-Policy", CONTENT_SECURITY_POLICY);
        setIfAbsent(h, "X-Content-Type-Options", "nosniff");
        // Old browsers that ignore CSP frame-ancestors still honour this.
        setIfAbsent(h, "X-Frame-Options", "DENY");
        setIfAbsent(h, "Referrer-Policy", "strict-origin-when-cross-origin");
        setIfAbsent(h, "Permissions-Policy", PERMISSIONS_POLICY);
        setIfAbsent(h, "Cross-Origin-Opener-Policy", "same-origin");
        setIfAbsent(h, "Cross-Origin-Resource-Policy", "same-origin");
        // "0" disables the legacy XSS auditor. The guide's "1; mode=block" is deprecated: the
        // auditor was removed from Chrome and Edge, and where it still runs its selective blocking
        // can be abused to switch off a page's own scripts or leak data cross-site (OWASP Secure
        // Headers Project). CSP is the protection that works.
        setIfAbsent(h, "X-XSS-Protection", "0");
    }

    /**
     * For a response another site may embed (a public or tokened media stream in an {@code <img>} or
     * {@code <audio>}): {@code Cross-Origin-Resource-Policy: cross-origin}, which {@link #apply} then
     * leaves as it is. Everything else stays {@code same-origin}.
     */
    public static void embeddable(MultiMap h) {
        h.set("Cross-Origin-Resource-Policy", "cross-origin");
    }

    private static void setIfAbsent(MultiMap h, String name, String value) {
        if (!h.contains(name)) {
            h.set(name, value);
        }
    }
}
