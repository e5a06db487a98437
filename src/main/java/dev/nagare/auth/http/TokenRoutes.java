package dev.nagare.auth.http;

import dev.nagare.auth.Accounts;
import dev.nagare.auth.AuthConfig;
import dev.nagare.auth.AuthException;
import dev.nagare.auth.Fields;
import dev.nagare.auth.LoginThrottle;
import dev.nagare.auth.PasswordPolicy;
import dev.nagare.auth.Principal;
import dev.nagare.auth.Tokens;
import dev.nagare.web.JsonReply;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth API for scripts and pages: {@code GET /api/auth/session} (who is logged in, and the
 * session's CSRF token) and {@code POST /api/auth/token} (a bearer token for a user name and
 * password, throttled like the login form).
 */
final class TokenRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(TokenRoutes.class);

    private final Accounts accounts;
    private final Tokens tokens;
    private final AuthConfig config;
    private final LoginThrottle throttle;

    TokenRoutes(Accounts accounts, Tokens tokens, AuthConfig config, LoginThrottle throttle) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.config = config;
        this.throttle = throttle;
    }

    void mount(Router router, HttpGuard guard) {
        router.get("/api/auth/session").handler(guard.attach()).handler(this::session);
        router.post("/api/auth/token").handler(this::issueToken);
    }

    private void session(RoutingContext ctx) {
        Principal p = HttpGuard.principal(ctx);
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
        String ip = config.clientAddress().of(ctx.request());
        LoginThrottle.Attempt attempt = throttle.begin(ip, username, false, System.currentTimeMillis());
        if (!attempt.allowed()) {
            long seconds = (attempt.retryAfterMillis() + 999) / 1000;
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            JsonReply.error(ctx, 429, "Too many failed attempts; retry after " + seconds + " s.");
            return;
        }
        accounts.authenticate(username, password).compose(acc -> {
            if (acc.isEmpty()) {
                LOG.info("Failed token request for '{}' from {}", LoginRoutes.sanitize(username), ip);
                attempt.failed();
                return Future.<Tokens.Created>failedFuture(new AuthException(LoginRoutes.GENERIC_FAILURE));
            }
            attempt.succeeded(System.currentTimeMillis());
            return tokens.create(acc.get(), "login", Set.of(), config.tokenTtl());
        }).onComplete(t -> {
            if (t.failed()) {
                JsonReply.error(ctx, 401, t.cause() instanceof AuthException ? t.cause().getMessage() : "Login failed.");
                return;
            }
            JsonReply.send(ctx, 200, new JsonObject().put("token", t.result().secret()).put("tokenType", "Bearer")
                    .put("expiresAt", t.result().info().expiresAt()));
        });
    }
}
