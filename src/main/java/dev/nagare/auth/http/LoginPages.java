package dev.nagare.auth.http;

import dev.nagare.auth.AuthConfig;
import dev.nagare.auth.Secrets;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The login and registration forms ({@code web/login.html}, {@code web/register.html}, read once),
 * each with a fresh double-submit CSRF token: a {@value #FORM_CSRF_COOKIE} cookie (SameSite=Strict)
 * echoed in a hidden field, which {@link LoginRoutes} compares on submission.
 */
final class LoginPages {
    static final String FORM_CSRF_COOKIE = "nagare_csrf";

    private final AuthConfig config;
    private final String loginPage = template("web/login.html");
    private final String registerPage = template("web/register.html");
    private final String logoutPage = template("web/logout.html");

    LoginPages(AuthConfig config) {
        this.config = config;
    }

    void login(RoutingContext ctx, int status, String error, String next, String username) {
        login(ctx, status, error, next, username, "");
    }

    /** {@code notice}: a line above the form that is not an error ("You are logged out."). */
    void login(RoutingContext ctx, int status, String error, String next, String username, String notice) {
        String csrf = formCsrf(ctx);
        String register = config.registrationOpen() ? "No account yet? <a href=\"/register\">Register</a>." : "";
        send(ctx, status, loginPage.replace("{{csrf}}", Html.escape(csrf))
                .replace("{{next}}", Html.escape(safeNext(next)))
                .replace("{{username}}", Html.escape(username))
                .replace("{{error}}", Html.escape(error))
                .replace("{{notice}}", Html.escape(notice))
                .replace("{{register}}", register));
    }

    void register(RoutingContext ctx, int status, String error, String username) {
        String csrf = formCsrf(ctx);
        String state = config.registrationOpen() ? "" : "Registration is closed on this server.";
        String page = registerPage;
        if (!config.registrationOpen()) {
            // Closed: the notice alone, no form to fill in for nothing (it was active and focused).
            page = page.substring(0, page.indexOf("<form")) + page.substring(page.indexOf("</form>") + "</form>".length());
        }
        send(ctx, status, page.replace("{{csrf}}", Html.escape(csrf))
                .replace("{{username}}", Html.escape(username))
                .replace("{{error}}", Html.escape(error.isEmpty() ? state : error)));
    }

    /** "Log out?" for {@code GET /logout}: a form that posts the session's own CSRF token. */
    void logout(RoutingContext ctx, String username, String sessionCsrf) {
        send(ctx, 200, logoutPage.replace("{{csrf}}", Html.escape(sessionCsrf)).replace("{{username}}", Html.escape(username)));
    }

    /** Whether a submitted form carries the CSRF token of the cookie its page set. */
    static boolean formCsrfOk(RoutingContext ctx) {
        return Secrets.same(ctx.request().getFormAttribute("csrf"), HttpGuard.cookieValue(ctx, FORM_CSRF_COOKIE));
    }

    /**
     * Only same-site relative paths of printable ASCII (a {@code Location} header cannot carry
     * anything else: DEL or non-ASCII made the login throw): no scheme, no "//host", no backslash
     * tricks, no spaces. Anything else: "/".
     */
    static String safeNext(String next) {
        if (next == null || next.isEmpty() || next.length() > 512 || !next.startsWith("/") || next.startsWith("//")
                || next.contains("\\") || next.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            return "/";
        }
        return next;
    }

    private String formCsrf(RoutingContext ctx) {
        String csrf = Secrets.random(32);
        ctx.response().addCookie(Cookie.cookie(FORM_CSRF_COOKIE, csrf).setHttpOnly(true).setPath("/")
                .setSameSite(CookieSameSite.STRICT).setSecure(config.secureCookies()).setMaxAge(3600));
        return csrf;
    }

    private static void send(RoutingContext ctx, int status, String html) {
        ctx.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(html);
    }

    private static String template(String name) {
        try (InputStream in = LoginPages.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
