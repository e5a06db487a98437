package dev.nagare.apps.adminui;

import dev.nagare.web.StaticAssets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Serves the prebuilt UI of the npm package {@code @socket.io/admin-ui} (its {@code ui/dist}, copied
 * into {@code web/vendor/admin-ui/} at build time, with {@code @mdi/font}'s stylesheet and fonts
 * under {@code mdi/}) at {@code /admin-ui/}: no hosted copy, no CDN. Its {@code index.html} links
 * Roboto from Google Fonts and the icons from jsDelivr; those two links are rewritten when it is
 * first read (Roboto dropped: Vuetify falls back to sans-serif; the icons from {@code mdi/}), and a
 * start fails if they are not found, so that a new version of the package cannot silently reach
 * the internet again. The page URL must end with '/' (its assets are relative), so
 * {@code /admin-ui} redirects there. {@code /admin} itself is left to a future Nagare console.
 */
final class AdminUiRoutes {
    static final String PREFIX = "/admin-ui/";
    static final String DIST = "web/vendor/admin-ui";
    static final String ROBOTO = "<link rel=\"stylesheet\" href=\"https://fonts.googleapis.com/css?family=Roboto:100,300,400,500,700,900\">";
    static final String MDI = "<link rel=\"stylesheet\" href=\"https://cdn.jsdelivr.net/npm/@mdi/font@latest/css/materialdesignicons.min.css\">";
    static final String FIRST_SCRIPT = "<script src=\"js/chunk-vendors.";

    /**
     * The global policy with one relaxation, for these pages only: Vuetify 2 writes its theme into a
     * {@code <style>} element it creates at run time (no nonce can be given to a prebuilt app), which
     * {@code style-src 'self'} blocks, leaving the UI without colours. Scripts stay 'self' only (the
     * bundle needs no eval), so an injected style can restyle the page but run nothing. connect-src
     * 'self': this copy of the UI administers the server that serves it, no other.
     */
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'");

    private final Vertx vertx;
    private volatile Buffer index;

    AdminUiRoutes(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Reads and rewrites index.html (on a worker); fails if the package's links changed. */
    Future<Void> load() {
        return vertx.executeBlocking(() -> {
            index = Buffer.buffer(rewrite(read(DIST + "/index.html")));
            return null;
        }, false);
    }

    static String rewrite(String html) {
        if (!html.contains(ROBOTO) || !html.contains(MDI) || !html.contains(FIRST_SCRIPT)) {
            throw new IllegalStateException("the Admin UI's index.html does not link Roboto and @mdi/font as"
                    + " @socket.io/admin-ui 0.5.1 does: check AdminUiRoutes against the new version");
        }
        return html.replace(ROBOTO, "")
                .replace(MDI, "<link rel=\"stylesheet\" href=\"mdi/css/materialdesignicons.min.css\">")
                .replace(FIRST_SCRIPT, "<script src=\"nagare-defaults.js\"></script>" + FIRST_SCRIPT);
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = AdminUiRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the classpath: build with npm (mvn generate-resources)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    void mount(Router router, StaticAssets assets) {
        router.route(PREFIX + "*").handler(ctx -> {
            ctx.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            ctx.next();
        });
        // Vert.x matches "/admin-ui" with or without its trailing slash: only the bare one is redirected.
        router.route("/admin-ui").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
            if (ctx.request().path().equals("/admin-ui")) {
                ctx.redirect(PREFIX);
            } else {
                ctx.next();
            }
        });
        router.route(PREFIX).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .end(index));
        router.get(PREFIX + "nagare-defaults.js").handler(assets.page("web/admin-ui/nagare-defaults.js"));
        // Names with a content hash (js/, css/, img/) never change; the rest is revalidated.
        for (String hashed : new String[] {"js/", "css/", "img/"}) {
            router.get(PREFIX + hashed + "*").handler(assets.directory(PREFIX + hashed, DIST + "/" + hashed.substring(0, hashed.length() - 1),
                    StaticAssets.CachePolicy.IMMUTABLE));
        }
        router.get(PREFIX + "*").handler(assets.directory(PREFIX, DIST, StaticAssets.CachePolicy.REVALIDATE));
    }
}
