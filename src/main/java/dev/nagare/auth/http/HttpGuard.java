package dev.nagare.auth.http;

import dev.nagare.auth.Access;
import dev.nagare.auth.Authenticator;
import dev.nagare.auth.ClientAddress;
import dev.nagare.auth.CredentialRefused;
import dev.nagare.auth.Principal;
import dev.nagare.auth.Revocations;
import dev.nagare.auth.Secrets;
import dev.nagare.auth.Sessions;
import dev.nagare.auth.StreamTokens;
import dev.nagare.web.JsonReply;
import dev.nagare.web.RefusalLog;
import dev.nagare.web.SecurityHeaders;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP guard handed to every module that serves requests, WebSocket upgrades included:
 * {@link #attach()} puts the request's {@link Principal} (session cookie or bearer token) in the
 * routing context, {@link #require()} and {@link #page(boolean)} demand a login, {@link #permit}
 * demands a right, and {@link #endWithLogin(RoutingContext)} ends a stream or WebSocket whose login
 * ends.
 *
 * <p>CSRF: once logged in, every state-changing request that relies on the session cookie must carry
 * the session's token in {@code X-CSRF-Token} or a {@code csrf} form field. Requests authenticated
 * by a bearer token need none.
 */
public final class HttpGuard {
    private static final Logger LOG = LoggerFactory.getLogger(HttpGuard.class);
    /** Refused tokens: one line a second at most, the rest counted (a client retrying a stale token floods). */
    // Per guard, so per server: one server's refusals never hide another's first line (tests run many in one JVM).
    private final RefusalLog refusals = new RefusalLog(LOG);
    /** The key of the request's principal in the routing context. */
    public static final String PRINCIPAL = "nagare.principal";
    /** The key, in the routing context, of why the request's bearer token was refused (see {@link CredentialRefused}). */
    public static final String REFUSED = "nagare.refused";
    /** Set once a request's credentials were looked at, so a second {@link #attach()} on its way does not look again. */
    private static final String ATTACHED = "nagare.attached";

    private final Authenticator authenticator;
    private final Revocations revocations;
    private final ClientAddress clientAddress;
    private final StreamTokens streamTokens;
    private final Set<String> publicStreams;

    /** {@code revocations}: the signal that the sessions, tokens and accounts behind {@code authenticator} fire. */
    public HttpGuard(Authenticator authenticator, Revocations revocations, ClientAddress clientAddress) {
        this(authenticator, revocations, clientAddress, null, Set.of());
    }

    /**
     * With stream URL tokens ({@code streamTokens}, null for none; see {@link #attachStream()}) and the
     * streams anyone may read without a login ({@code publicStreams}: {@code video/NAME}, {@code audio/NAME}).
     */
    public HttpGuard(Authenticator authenticator, Revocations revocations, ClientAddress clientAddress,
            StreamTokens streamTokens, Set<String> publicStreams) {
        this.authenticator = authenticator;
        this.revocations = revocations;
        this.clientAddress = clientAddress;
        this.streamTokens = streamTokens;
        this.publicStreams = Set.copyOf(publicStreams);
    }

    /** The principal {@link #attach()} found for this request, or null. */
    public static Principal principal(RoutingContext ctx) {
        return ctx.get(PRINCIPAL);
    }

    /** Attaches the request's principal (session cookie or bearer token), if any; never refuses. */
    public Handler<RoutingContext> attach() {
        return ctx -> attach(ctx, false);
    }

    /**
     * {@link #attach()} for media stream paths: there a {@code ?token=} stream URL token
     * ({@link StreamTokens}) is also taken, when no {@code Authorization} header is sent, and is then
     * the only credential looked at. Only there: its principal may do nothing but watch one stream,
     * and no other route should meet a credential in its URL.
     */
    public Handler<RoutingContext> attachStream() {
        return ctx -> attach(ctx, true);
    }

    private void attach(RoutingContext ctx, boolean urlToken) {
        if (ctx.get(PRINCIPAL) != null || ctx.get(ATTACHED) != null) {
            ctx.next();
            return;
        }
        ctx.put(ATTACHED, Boolean.TRUE);
        // Paused while the store answers, so that nothing of the request (its end, or a WebSocket
        // upgrade a later handler performs) is consumed before the next handler runs.
        boolean ended = ctx.request().isEnded();
        if (!ended) {
            ctx.request().pause();
        }
        String bearer = bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        String inUrl = urlToken && bearer == null && streamTokens != null ? ctx.request().getParam("token") : null;
        Future<Optional<Principal>> found = inUrl != null ? streamTokens.find(inUrl)
                : authenticator.find(bearer, cookieValue(ctx, Sessions.COOKIE));
        found.onComplete(ar -> {
            if (ar.succeeded() && ar.result().isPresent()) {
                ctx.put(PRINCIPAL, ar.result().get());
            } else if (ar.failed() && ar.cause() instanceof CredentialRefused refused) {
                // The path only, never the query: it holds the token.
                refusals.info("token", "{} token refused on {} {} from {}: {}", inUrl != null ? "Stream URL" : "Bearer",
                        ctx.request().method(), ctx.request().path(), clientAddress.of(ctx.request()), refused.getMessage());
                ctx.put(REFUSED, refused.getMessage());
            }
            if (!ended) {
                ctx.request().resume();
            }
            ctx.next();
        });
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
                if (api || ctx.get(REFUSED) != null) {
                    JsonReply.error(ctx, 401, ctx.get(REFUSED) != null ? refusal(ctx)
                            : "Authentication required: log in, or send Authorization: Bearer <token>.");
                } else {
                    toLogin(ctx);
                }
                return;
            }
            if (p.viaCookie() && changesState(ctx.request().method()) && !csrfOk(ctx, p)) {
                LOG.info("CSRF token missing or wrong on {} {} from {}", ctx.request().method(), ctx.request().path(),
                        clientAddress.of(ctx.request()));
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
            toLogin(ctx);
        };
    }

    /**
     * The request's principal if it has the right {@code action:resource}; otherwise answers 401
     * (nobody logged in) or 403 (not allowed) with a JSON reason and returns null. For routes after
     * {@link #attach()}, WebSocket upgrades included (before {@code toWebSocket()}).
     */
    public static Principal permit(RoutingContext ctx, String action, String resource) {
        Principal p = ctx.get(PRINCIPAL);
        switch (Access.check(p, action, resource)) {
            case NO_LOGIN -> {
                JsonReply.error(ctx, 401, ctx.get(REFUSED) != null ? refusal(ctx)
                        : "Log in, or send Authorization: Bearer <token>, for " + resource + ".");
                return null;
            }
            case DENIED -> {
                JsonReply.error(ctx, 403, "Not allowed: " + action + " " + resource + " needs the right "
                        + Access.right(action, resource) + ".");
                return null;
            }
            default -> {
                return p;
            }
        }
    }

    /**
     * For a media stream's reading routes (MJPEG, snapshot, stats, WAV, Ogg), {@code resource} being
     * {@code video/NAME} or {@code audio/NAME}: true if a public stream (no login needed) or if the
     * request's principal may {@code join} it; otherwise answers 401/403 as {@link #permit} does. Public
     * streams and those opened with a stream URL token are made embeddable from other sites (an
     * {@code <img>} on a home page, a dashboard): {@code Cross-Origin-Resource-Policy: cross-origin}
     * instead of the server's {@code same-origin}, only on these responses, since their owner chose to
     * share them and a no-cors {@code <img>} or {@code <audio>} reads nothing else.
     */
    public boolean permitStream(RoutingContext ctx, String resource) {
        if (publicStreams.contains(resource)) {
            SecurityHeaders.embeddable(ctx.response().headers());
            return true;
        }
        Principal by = principal(ctx);
        if (by != null && StreamTokens.issued(by.credential()) && !by.scopes().contains("join:" + resource)) {
            refusals.info("stream-token", "Stream URL token for {} refused on {} from {}", String.join(" ", by.scopes()),
                    ctx.request().path(), clientAddress.of(ctx.request()));
            JsonReply.error(ctx, 403, "Token refused: this stream token opens "
                    + String.join(" ", by.scopes()).replace("join:", "") + " only, not " + resource + ".");
            return false;
        }
        Principal p = permit(ctx, "join", resource);
        if (p != null && StreamTokens.issued(p.credential())) {
            SecurityHeaders.embeddable(ctx.response().headers());
        }
        return p != null;
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

    private static String refusal(RoutingContext ctx) {
        return "Token refused: " + ctx.get(REFUSED) + ".";
    }

    /** Whether a cookie-authenticated request carries its session's CSRF token (header or form field). */
    static boolean csrfOk(RoutingContext ctx, Principal p) {
        String sent = ctx.request().getHeader("X-CSRF-Token");
        if (sent == null) {
            sent = ctx.request().getFormAttribute("csrf");
        }
        return Secrets.same(sent, p.csrf());
    }

    static String cookieValue(RoutingContext ctx, String name) {
        Cookie c = ctx.request().getCookie(name);
        return c == null ? null : c.getValue();
    }

    /** The token of an {@code Authorization: Bearer <token>} header; null for none or another scheme. */
    private static String bearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7) : null;
    }

    private static boolean changesState(HttpMethod m) {
        return m != HttpMethod.GET && m != HttpMethod.HEAD && m != HttpMethod.OPTIONS;
    }

    /** To the login form, and back to this page with its query (e.g. /sse?channel=news) afterwards. */
    private static void toLogin(RoutingContext ctx) {
        ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION,
                "/login?next=" + URLEncoder.encode(ctx.request().uri(), StandardCharsets.UTF_8)).end();
    }
}
