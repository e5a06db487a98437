package dev.nagare.auth;

import dev.nagare.socketio.ConnectError;
import dev.nagare.web.JsonReply;
import dev.nagare.socketio.ConnectMiddleware;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Login, logout, registration and token endpoints, plus the handlers that attach a
 * {@link Principal} to requests and Socket.IO connections and enforce CSRF tokens.
 *
 * <p>CSRF: the login and registration forms use a double-submit cookie ({@code nagare_csrf},
 * SameSite=Strict) echoed in a hidden field; once logged in, every state-changing request that
 * relies on the session cookie must carry the session's token in {@code X-CSRF-Token} or a
 * {@code csrf} form field. Requests authenticated by a bearer token need none.
 */
public final class AuthRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(AuthRoutes.class);
    public static final String PRINCIPAL = "nagare.principal";
    /** The key of the principal in {@code socket.data()}. */
    public static final String SOCKET_PRINCIPAL = "principal";
    private static final String FORM_CSRF_COOKIE = "nagare_csrf";
    /** Proof that this browser logged in to an account before (see {@link LoginThrottle}). */
    static final String DEVICE_COOKIE = "nagare_device";
    private static final long DEVICE_COOKIE_SECONDS = 180L * 24 * 3600;
    private static final String GENERIC_FAILURE = "Wrong user name or password.";

    private final Accounts accounts;
    private final Sessions sessions;
    private final Tokens tokens;
    private final LoginThrottle throttle;
    private final AuthConfig config;
    private final Revocations revocations;
    // Signs device cookies. Per process: after a restart a browser is trusted again from its next
    // successful login (until then only the account-wide and address limits apply to it, as to anyone).
    private final byte[] deviceKey = Secrets.random(32).getBytes(StandardCharsets.US_ASCII);
    private final String loginPage = template("web/login.html");
    private final String registerPage = template("web/register.html");

    public AuthRoutes(Accounts accounts, Sessions sessions, Tokens tokens, AuthConfig config) {
        this(accounts, sessions, tokens, config, new Revocations());
    }

    /** {@code revocations}: the signal that {@code sessions}, {@code tokens} and {@code accounts} fire. */
    public AuthRoutes(Accounts accounts, Sessions sessions, Tokens tokens, AuthConfig config, Revocations revocations) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.tokens = tokens;
        this.config = config;
        this.revocations = revocations;
        this.throttle = new LoginThrottle(config.freeLoginAttempts());
    }

    /** The signal fired when a login ends; see {@link #endWithLogin(RoutingContext)}. */
    public Revocations revocations() {
        return revocations;
    }

    public void mount(Router router) {
        BodyHandler form = BodyHandler.create(false).setBodyLimit(8 * 1024);
        router.get("/login").handler(ctx -> renderLogin(ctx, 200, "", ctx.request().getParam("next"), ""));
        router.post("/login").handler(form).handler(this::login);
        router.get("/register").handler(ctx -> renderRegister(ctx, 200, "", ""));
        router.post("/register").handler(form).handler(this::register);
        router.post("/logout").handler(form).handler(attach()).handler(this::logout);
        router.get("/api/auth/session").handler(attach()).handler(this::session);
        router.post("/api/auth/token").handler(this::issueToken);
    }

    // ---- principal, CSRF, protection ----

    /** Attaches the request's principal (session cookie or bearer token), if any; never refuses. */
    public Handler<RoutingContext> attach() {
        return ctx -> {
            if (ctx.get(PRINCIPAL) != null) {
                ctx.next();
                return;
            }
            // Paused while the store answers, so that nothing of the request (its end, or a WebSocket
            // upgrade a later handler performs) is consumed before the next handler runs.
            boolean ended = ctx.request().isEnded();
            if (!ended) {
                ctx.request().pause();
            }
            resolve(ctx.request().getHeader(HttpHeaders.AUTHORIZATION), cookieValue(ctx, Sessions.COOKIE))
                    .onComplete(ar -> {
                        if (ar.succeeded() && ar.result().isPresent()) {
                            ctx.put(PRINCIPAL, ar.result().get());
                        }
                        if (!ended) {
                            ctx.request().resume();
                        }
                        ctx.next();
                    });
        };
    }

    /**
     * For routes that need a login: API paths answer 401 JSON, pages redirect to /login; a
     * state-changing request authenticated by the cookie must carry the session's CSRF token.
     */
    public Handler<RoutingContext> require() {
        return ctx -> {
            Principal p = ctx.get(PRINCIPAL);
            boolean api = ctx.request().path().startsWith("/api/");
            if (p == null) {
                if (api) {
                    JsonReply.error(ctx, 401, "Authentication required: log in, or send Authorization: Bearer <token>.");
                } else {
                    ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION,
                            "/login?next=" + java.net.URLEncoder.encode(ctx.request().path(), StandardCharsets.UTF_8)).end();
                }
                return;
            }
            if (p.viaCookie() && changesState(ctx.request().method()) && !csrfOk(ctx, p)) {
                LOG.info("CSRF token missing or wrong on {} {} from {}", ctx.request().method(), ctx.request().path(),
                        remote(ctx));
                JsonReply.error(ctx, 403, "Missing or wrong CSRF token: send the session's token in X-CSRF-Token.");
                return;
            }
            ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            ctx.next();
        };
    }

    /**
     * For pages (after {@link #attach()}): people who are not logged in go to the login form and come
     * back here afterwards, unless {@code guestsAllowed}. The page is never cached.
     */
    public Handler<RoutingContext> page(boolean guestsAllowed) {
        return ctx -> {
            if (ctx.get(PRINCIPAL) != null || guestsAllowed) {
                ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
                ctx.next();
                return;
            }
            ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION,
                    "/login?next=" + java.net.URLEncoder.encode(ctx.request().path(), StandardCharsets.UTF_8)).end();
        };
    }

    /**
     * Socket.IO connect middleware: the token in the CONNECT auth payload ({@code io({auth: {token}})})
     * or the session cookie of the handshake. Refuses with CONNECT_ERROR "unauthorized" otherwise
     * (unless guests are allowed).
     *
     * <p>It also runs when a dropped socket recovers its state: the recovery is refused with
     * "session ended" unless the login it presents now is the very one it was admitted with, still
     * live (a logout, password change, deletion or revoked token while it was away ends it).
     */
    public ConnectMiddleware socketAuth() {
        return socket -> {
            Principal before = principal(socket); // restored with the socket's data when it recovers
            Object token = socket.auth().get("token");
            String bearer = token instanceof String t ? "Bearer " + t : null;
            return resolve(bearer, cookieFromHeader(socket.handshake().header("cookie"), Sessions.COOKIE))
                    .compose(p -> {
                        Principal now = p.orElse(null);
                        if (now == null && config.guests()) {
                            now = new Principal(0, "guest-" + socket.id().substring(0, 6), Role.GUEST, null, null, null);
                        }
                        if (socket.recovered() && !sameLogin(before, now)) {
                            LOG.info("Recovery of a socket of '{}' refused: its login has ended",
                                    before == null ? "?" : before.username());
                            return Future.failedFuture(new ConnectError("session ended", Map.of("code",
                                    "SESSION_ENDED", "hint", "log in again, then connect anew")));
                        }
                        if (now != null) {
                            socket.data().put(SOCKET_PRINCIPAL, now);
                            return Future.<Void>succeededFuture();
                        }
                        return Future.failedFuture(new ConnectError("unauthorized", Map.of("code", "UNAUTHORIZED",
                                "hint", "log in first, or connect with io(url, {auth: {token}})")));
                    });
        };
    }

    private static boolean sameLogin(Principal before, Principal now) {
        return before != null && now != null && before.userId() == now.userId()
                && java.util.Objects.equals(before.credential(), now.credential());
    }

    /**
     * For a long-lived response (SSE, MJPEG, audio) opened after {@link #attach()}: when the login it
     * was opened with ends (logout, password change, account deletion, token revoked or expired), the
     * response is cut at once. Call it once the stream has started; nothing to undo when it ends.
     */
    public void endWithLogin(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        String path = ctx.request().path();
        revocations.track(ctx.get(PRINCIPAL), reason -> {
            LOG.info("Ending the stream {} of a login that ended ({})", path, reason);
            res.reset();
        }, () -> !res.closed() && !res.ended());
    }

    /** The same for a WebSocket (audio and video publishing and listening): closed with 1008 and the reason. */
    public void endWithLogin(RoutingContext ctx, ServerWebSocket ws) {
        revocations.track(ctx.get(PRINCIPAL), reason -> ws.close((short) 1008, "login ended: " + reason),
                () -> !ws.isClosed());
    }

    /**
     * The request's principal if it has the right {@code action:resource}; otherwise answers 401
     * (nobody logged in) or 403 (not allowed) with a JSON reason and returns null. For routes after
     * {@link #attach()}.
     */
    public static Principal permit(RoutingContext ctx, String action, String resource) {
        Principal p = ctx.get(PRINCIPAL);
        if (p == null) {
            JsonReply.error(ctx, 401, "Log in, or send Authorization: Bearer <token>, for " + resource + ".");
            return null;
        }
        if (!p.may(action, resource)) {
            JsonReply.error(ctx, 403, "Not allowed: " + action + " " + resource + " needs the right "
                    + action + ":" + resource + ".");
            return null;
        }
        return p;
    }

    /** The principal a Socket.IO connection was admitted as (see {@link #socketAuth()}), or null. */
    public static Principal principal(dev.nagare.socketio.Socket socket) {
        return socket.data().get(SOCKET_PRINCIPAL) instanceof Principal p ? p : null;
    }

    /** Connect middleware (after {@link #socketAuth()}): the principal must have {@code action:resource}. */
    public static ConnectMiddleware requireRight(String action, String resource) {
        return socket -> {
            Principal p = principal(socket);
            if (p != null && p.may(action, resource)) {
                return Future.succeededFuture();
            }
            return Future.failedFuture(new ConnectError("forbidden", Map.of("code", "FORBIDDEN",
                    "right", action + ":" + resource)));
        };
    }

    /**
     * Packet middleware checked on every {@code event}: the principal must have
     * {@code action:resourceOf(args)}. A refused event is dropped, and the client is told with an
     * ack {@code {"error":"forbidden",...}} when it asked for one, else a {@code nagare:error} event.
     */
    public static dev.nagare.socketio.PacketMiddleware requireOnEvent(String event, String action,
            java.util.function.Function<java.util.List<Object>, String> resourceOf) {
        return (socket, packet) -> {
            if (!event.equals(packet.get(0))) {
                return Future.succeededFuture();
            }
            Principal p = principal(socket);
            String resource;
            try {
                resource = resourceOf.apply(packet.subList(1, packet.size()));
            } catch (RuntimeException e) {
                resource = null;
            }
            if (p != null && resource != null && p.may(action, resource)) {
                return Future.succeededFuture();
            }
            String right = action + ":" + (resource == null ? "?" : resource);
            socket.emit("nagare:error", Map.of("event", event, "error", "forbidden",
                    "message", "Not allowed: " + right));
            return Future.failedFuture(new AuthException("forbidden: " + right));
        };
    }

    private Future<Optional<Principal>> resolve(String authorization, String sessionCookie) {
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return tokens.find(authorization.substring(7).trim());
        }
        if (sessionCookie != null) {
            return sessions.find(sessionCookie);
        }
        return Future.succeededFuture(Optional.empty());
    }

    private static boolean changesState(HttpMethod m) {
        return m != HttpMethod.GET && m != HttpMethod.HEAD && m != HttpMethod.OPTIONS;
    }

    private static boolean csrfOk(RoutingContext ctx, Principal p) {
        String sent = ctx.request().getHeader("X-CSRF-Token");
        if (sent == null) {
            sent = ctx.request().getFormAttribute("csrf");
        }
        return Secrets.same(sent, p.csrf());
    }

    // ---- login / logout / register ----

    private void login(RoutingContext ctx) {
        String username = trimmed(ctx.request().getFormAttribute("username"));
        String password = ctx.request().getFormAttribute("password");
        String next = ctx.request().getFormAttribute("next");
        if (!Secrets.same(ctx.request().getFormAttribute("csrf"), cookieValue(ctx, FORM_CSRF_COOKIE))) {
            LOG.info("Login form without a valid CSRF token from {}", remote(ctx));
            renderLogin(ctx, 403, "Your form expired; please try again.", next, username);
            return;
        }
        String ip = remote(ctx);
        // Counted now, before the password is checked: concurrent guesses see each other.
        LoginThrottle.Attempt attempt = throttle.begin(ip, username, trustedDevice(ctx, username),
                System.currentTimeMillis());
        if (!attempt.allowed()) {
            long seconds = (attempt.retryAfterMillis() + 999) / 1000;
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            renderLogin(ctx, 429, "Too many failed attempts; try again in " + seconds + " s.", next, username);
            return;
        }
        accounts.authenticate(username, password).onComplete(ar -> {
            if (ar.failed() || ar.result().isEmpty()) {
                LOG.info("Failed login for '{}' from {}", sanitize(username), ip);
                renderLogin(ctx, 401, GENERIC_FAILURE, next, username);
                return;
            }
            attempt.succeeded(System.currentTimeMillis());
            ctx.response().addCookie(deviceCookie(ar.result().get().username()));
            startSession(ctx, ar.result().get(), next);
        });
    }

    private void startSession(RoutingContext ctx, Account account, String next) {
        String location = safeNext(next); // checked before anything is stored
        // A fresh id at every login: an id planted before login (session fixation) is discarded, and
        // whatever was open with the previous session of this browser ends with it.
        sessions.destroy(cookieValue(ctx, Sessions.COOKIE), "logged in again")
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

    // ---- device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies") ----

    /** A cookie proving that this browser logged in to {@code username}: a nonce and its HMAC. */
    private Cookie deviceCookie(String username) {
        String nonce = Secrets.random(16);
        return Cookie.cookie(DEVICE_COOKIE, nonce + "." + deviceMac(username, nonce)).setHttpOnly(true)
                .setPath("/login").setSameSite(CookieSameSite.STRICT).setSecure(config.secureCookies())
                .setMaxAge(DEVICE_COOKIE_SECONDS);
    }

    private boolean trustedDevice(RoutingContext ctx, String username) {
        String value = cookieValue(ctx, DEVICE_COOKIE);
        int dot = value == null || value.length() > 128 ? -1 : value.indexOf('.');
        return dot > 0 && Secrets.same(value.substring(dot + 1), deviceMac(username, value.substring(0, dot)));
    }

    private String deviceMac(String username, String nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(deviceKey, "HmacSHA256"));
            byte[] sig = mac.doFinal((username.toLowerCase(Locale.ROOT) + "\n" + nonce).getBytes(StandardCharsets.UTF_8));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void register(RoutingContext ctx) {
        if (!config.registrationOpen()) {
            renderRegister(ctx, 403, "Registration is closed on this server; ask an administrator for an account.", "");
            return;
        }
        String username = trimmed(ctx.request().getFormAttribute("username"));
        if (!Secrets.same(ctx.request().getFormAttribute("csrf"), cookieValue(ctx, FORM_CSRF_COOKIE))) {
            renderRegister(ctx, 403, "Your form expired; please try again.", username);
            return;
        }
        accounts.create(username, ctx.request().getFormAttribute("password"), Role.USER).onComplete(ar -> {
            if (ar.failed()) {
                String message = ar.cause() instanceof AuthException ? ar.cause().getMessage() : "Registration failed.";
                renderRegister(ctx, 400, message, username);
                return;
            }
            startSession(ctx, ar.result(), "/");
        });
    }

    private void logout(RoutingContext ctx) {
        Principal p = ctx.get(PRINCIPAL);
        if (p == null || !p.viaCookie()) {
            ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, "/login").end();
            return;
        }
        if (!csrfOk(ctx, p)) {
            JsonReply.error(ctx, 403, "Missing or wrong CSRF token.");
            return;
        }
        // Ends the session in the store, then (Revocations) every socket and stream opened with it.
        sessions.destroy(cookieValue(ctx, Sessions.COOKIE), "logged out").onComplete(ar -> {
            ctx.response().addCookie(sessionCookie("", 0));
            ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, "/login").end();
        });
    }

    private void session(RoutingContext ctx) {
        Principal p = ctx.get(PRINCIPAL);
        if (p == null) {
            // 200, not 401: "nobody is logged in" is an answer, and pages ask it on every load.
            JsonReply.send(ctx, 200, new JsonObject().put("authenticated", false));
            return;
        }
        JsonReply.send(ctx, 200, new JsonObject().put("authenticated", true).put("username", p.username())
                .put("role", p.role().wire()).put("csrf", p.csrf()));
    }

    /** POST /api/auth/token: the body was read (and size-limited) by the /api/ body handler. */
    private void issueToken(RoutingContext ctx) {
        JsonObject body = Fields.jsonObject(ctx.body() == null ? null : ctx.body().buffer(), 4096).orElse(null);
        Fields fields = new Fields();
        String username = fields.text(body, "username", 1, 64, false);
        String password = fields.text(body, "password", 1, PasswordPolicy.MAX_LENGTH, false);
        if (body == null || !fields.ok()) {
            JsonReply.error(ctx, 400, "Expected JSON {\"username\": string, \"password\": string}"
                    + (body == null ? "." : ": " + fields.problem().getString("message") + "."));
            return;
        }
        String ip = remote(ctx);
        LoginThrottle.Attempt attempt = throttle.begin(ip, username, false, System.currentTimeMillis());
        if (!attempt.allowed()) {
            long seconds = (attempt.retryAfterMillis() + 999) / 1000;
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            JsonReply.error(ctx, 429, "Too many failed attempts; retry after " + seconds + " s.");
            return;
        }
        accounts.authenticate(username, password).compose(acc -> {
            if (acc.isEmpty()) {
                LOG.info("Failed token request for '{}' from {}", sanitize(username), ip);
                return Future.<Tokens.Created>failedFuture(new AuthException(GENERIC_FAILURE));
            }
            attempt.succeeded(System.currentTimeMillis());
            return tokens.create(acc.get(), "login", java.util.Set.of(), config.tokenTtl());
        }).onComplete(t -> {
            if (t.failed()) {
                JsonReply.error(ctx, 401, t.cause() instanceof AuthException ? t.cause().getMessage() : "Login failed.");
                return;
            }
            JsonReply.send(ctx, 200, new JsonObject().put("token", t.result().secret()).put("tokenType", "Bearer")
                    .put("expiresAt", t.result().info().expiresAt()));
        });
    }

    // ---- rendering and helpers ----

    private void renderLogin(RoutingContext ctx, int status, String error, String next, String username) {
        String csrf = formCsrf(ctx);
        String register = config.registrationOpen() ? "No account yet? <a href=\"/register\">Register</a>." : "";
        page(ctx, status, loginPage.replace("{{csrf}}", Html.escape(csrf))
                .replace("{{next}}", Html.escape(safeNext(next)))
                .replace("{{username}}", Html.escape(username))
                .replace("{{error}}", Html.escape(error))
                .replace("{{register}}", register));
    }

    private void renderRegister(RoutingContext ctx, int status, String error, String username) {
        String csrf = formCsrf(ctx);
        String state = config.registrationOpen() ? "" : "Registration is closed on this server.";
        page(ctx, status, registerPage.replace("{{csrf}}", Html.escape(csrf))
                .replace("{{username}}", Html.escape(username))
                .replace("{{error}}", Html.escape(error.isEmpty() ? state : error)));
    }

    private String formCsrf(RoutingContext ctx) {
        String csrf = Secrets.random(32);
        ctx.response().addCookie(Cookie.cookie(FORM_CSRF_COOKIE, csrf).setHttpOnly(true).setPath("/")
                .setSameSite(CookieSameSite.STRICT).setSecure(config.secureCookies()).setMaxAge(3600));
        return csrf;
    }

    private Cookie sessionCookie(String value, long maxAgeSeconds) {
        return Cookie.cookie(Sessions.COOKIE, value).setHttpOnly(true).setPath("/")
                .setSameSite(CookieSameSite.LAX).setSecure(config.secureCookies()).setMaxAge(maxAgeSeconds);
    }

    private static void page(RoutingContext ctx, int status, String html) {
        ctx.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(html);
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

    private static String cookieValue(RoutingContext ctx, String name) {
        Cookie c = ctx.request().getCookie(name);
        return c == null ? null : c.getValue();
    }

    static String cookieFromHeader(String header, String name) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        return null;
    }

    private String remote(RoutingContext ctx) {
        return config.clientAddress().of(ctx.request());
    }

    private static String trimmed(String s) {
        return s == null ? "" : s.trim();
    }

    private static String sanitize(String s) {
        return s == null ? "-" : s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static String template(String name) {
        try (InputStream in = AuthRoutes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
