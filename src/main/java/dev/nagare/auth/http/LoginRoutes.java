package dev.nagare.auth.http;

import dev.nagare.auth.Account;
import dev.nagare.auth.Accounts;
import dev.nagare.auth.AuthConfig;
import dev.nagare.auth.AuthException;
import dev.nagare.auth.LoginThrottle;
import dev.nagare.auth.Principal;
import dev.nagare.auth.Role;
import dev.nagare.auth.Sessions;
import dev.nagare.auth.Tokens;
import dev.nagare.web.JsonReply;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every way in and out over HTTP: {@code /login}, {@code /register} and {@code /logout} (forms,
 * a login session in a cookie) here, {@code /api/auth/session} and {@code /api/auth/token}
 * ({@link TokenRoutes}). Form logins and token requests count against one {@link LoginThrottle}.
 *
 * <p>CSRF: the forms use a double-submit cookie (see {@link LoginPages}); logout, a cookie-authenticated
 * write, needs the session's token like every other (see {@link HttpGuard}).
 */
public final class LoginRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(LoginRoutes.class);
    static final String GENERIC_FAILURE = "Wrong user name or password.";

    private final Accounts accounts;
    private final Sessions sessions;
    private final AuthConfig config;
    private final HttpGuard guard;
    private final LoginThrottle throttle;
    private final TokenRoutes tokenRoutes;
    private final DeviceCookies devices;
    private final LoginPages pages;

    public LoginRoutes(Accounts accounts, Sessions sessions, Tokens tokens, AuthConfig config, HttpGuard guard) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.config = config;
        this.guard = guard;
        this.throttle = new LoginThrottle(config.freeLoginAttempts());
        this.tokenRoutes = new TokenRoutes(accounts, tokens, config, throttle);
        this.devices = new DeviceCookies(config.secureCookies());
        this.pages = new LoginPages(config);
    }

    public void mount(Router router) {
        BodyHandler form = BodyHandler.create(false).setBodyLimit(8 * 1024);
        router.get("/login").handler(ctx -> pages.login(ctx, 200, "", ctx.request().getParam("next"), "",
                ctx.request().getParam("loggedout") != null ? "You are logged out." : ""));
        router.post("/login").handler(form).handler(this::login);
        router.get("/register").handler(ctx -> pages.register(ctx, 200, "", ""));
        router.post("/register").handler(form).handler(this::register);
        router.post("/logout").handler(form).handler(guard.attach()).handler(this::logout);
        // A link or a typed URL: ask first (a GET must not end a session), then post with the token.
        router.get("/logout").handler(guard.attach()).handler(ctx -> {
            Principal p = HttpGuard.principal(ctx);
            if (p == null || !p.viaCookie()) {
                ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, "/login").end();
            } else {
                pages.logout(ctx, p.username(), p.csrf());
            }
        });
        tokenRoutes.mount(router, guard);
    }

    private void login(RoutingContext ctx) {
        String username = trimmed(ctx.request().getFormAttribute("username"));
        String password = ctx.request().getFormAttribute("password");
        String next = ctx.request().getFormAttribute("next");
        if (!LoginPages.formCsrfOk(ctx)) {
            LOG.info("Login form without a valid CSRF token from {}", remote(ctx));
            pages.login(ctx, 403, "Your form expired; please try again.", next, username);
            return;
        }
        String ip = remote(ctx);
        // Counted now, before the password is checked: concurrent guesses see each other.
        LoginThrottle.Attempt attempt = throttle.begin(ip, username, devices.trusted(ctx, username),
                System.currentTimeMillis());
        if (!attempt.allowed()) {
            long seconds = (attempt.retryAfterMillis() + 999) / 1000;
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            pages.login(ctx, 429, "Too many failed attempts; try again in " + seconds + " s.", next, username);
            return;
        }
        accounts.authenticate(username, password).onComplete(ar -> {
            if (ar.failed() || ar.result().isEmpty()) {
                LOG.info("Failed login for '{}' from {}", sanitize(username), ip);
                attempt.failed();
                pages.login(ctx, 401, GENERIC_FAILURE, next, username);
                return;
            }
            attempt.succeeded(System.currentTimeMillis());
            ctx.response().addCookie(devices.issue(ar.result().get().username()));
            startSession(ctx, ar.result().get(), next);
        });
    }

    private void startSession(RoutingContext ctx, Account account, String next) {
        String location = LoginPages.safeNext(next); // checked before anything is stored
        // A fresh id at every login: an id planted before login (session fixation) is discarded, and
        // whatever was open with the previous session of this browser ends with it.
        sessions.destroy(HttpGuard.cookieValue(ctx, Sessions.COOKIE), "logged in again")
                .compose(v -> sessions.create(account))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(ar.cause());
                        return;
                    }
                    try {
                        ctx.response().addCookie(sessionCookie(ar.result().id(), config.sessionAbsolute().toSeconds()));
                        ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, location).end();
                        LOG.info("'{}' logged in from {}", account.username(), remote(ctx));
                    } catch (RuntimeException e) {
                        // Never leave a session behind that nobody was told about.
                        sessions.destroy(ar.result().id(), "login failed");
                        LOG.warn("Login of '{}' could not be answered: {}", account.username(), e.toString());
                        if (!ctx.response().headWritten()) {
                            ctx.response().headers().remove(HttpHeaders.LOCATION);
                            ctx.fail(500, e);
                        } else {
                            ctx.response().reset();
                        }
                    }
                });
    }

    private void register(RoutingContext ctx) {
        if (!config.registrationOpen()) {
            pages.register(ctx, 403, "Registration is closed on this server; ask an administrator for an account.", "");
            return;
        }
        String username = trimmed(ctx.request().getFormAttribute("username"));
        if (!LoginPages.formCsrfOk(ctx)) {
            pages.register(ctx, 403, "Your form expired; please try again.", username);
            return;
        }
        accounts.create(username, ctx.request().getFormAttribute("password"), Role.USER).onComplete(ar -> {
            if (ar.failed()) {
                String message = ar.cause() instanceof AuthException ? ar.cause().getMessage() : "Registration failed.";
                pages.register(ctx, 400, message, username);
                return;
            }
            startSession(ctx, ar.result(), "/");
        });
    }

    private void logout(RoutingContext ctx) {
        Principal p = HttpGuard.principal(ctx);
        if (p == null || !p.viaCookie()) {
            ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, "/login").end();
            return;
        }
        if (!HttpGuard.csrfOk(ctx, p)) {
            JsonReply.error(ctx, 403, "Missing or wrong CSRF token.");
            return;
        }
        // Ends the session in the store, then (Revocations) every socket and stream opened with it.
        sessions.destroy(HttpGuard.cookieValue(ctx, Sessions.COOKIE), "logged out").onComplete(ar -> {
            ctx.response().addCookie(sessionCookie("", 0));
            ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, "/login?loggedout=1").end();
        });
    }

    private Cookie sessionCookie(String value, long maxAgeSeconds) {
        return Cookie.cookie(Sessions.COOKIE, value).setHttpOnly(true).setPath("/")
                .setSameSite(CookieSameSite.LAX).setSecure(config.secureCookies()).setMaxAge(maxAgeSeconds);
    }

    private String remote(RoutingContext ctx) {
        return config.clientAddress().of(ctx.request());
    }

    private static String trimmed(String s) {
        return s == null ? "" : s.trim();
    }

    /** A user name as it may go into a log line: printable ASCII only. */
    static String sanitize(String s) {
        return s == null ? "-" : s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** The brute-force throttle of form logins and token requests (shared with other nodes in a cluster). */
    public LoginThrottle throttle() {
        return throttle;
    }
}
