package dev.nagare.api;

import dev.nagare.auth.Account;
import dev.nagare.auth.Accounts;
import dev.nagare.auth.AuthException;
import dev.nagare.auth.ClientAddress;
import dev.nagare.auth.Principal;
import dev.nagare.auth.Role;
import dev.nagare.auth.Scopes;
import dev.nagare.auth.SecurityEvents;
import dev.nagare.auth.Tokens;
import dev.nagare.auth.http.HttpGuard;
import dev.nagare.web.JsonReply;
import dev.nagare.web.StaticAssets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The administrator's API ({@code /api/admin/...}) and the console page ({@code /admin}) that is
 * built on it and on the public APIs ({@code /metrics}, {@code /api/v1/sockets/...}, the stream and
 * feed lists). Accounts: list, create, delete, disable and enable, new password, end logins, grant and revoke rights;
 * API tokens: list, create (the secret is in that one answer only), revoke; the audit trail; this
 * node's recent security events (failed and throttled logins, refused handshakes). Only
 * the admin role may call it, with a token scoped {@code admin:console} or the session cookie plus
 * its CSRF token (checked by {@link HttpGuard#require()}); every action is audited ({@link AuditLog}).
 */
public final class AdminRoutes {
    static final int MAX_TOKEN_DAYS = 366;
    private static final String BODY = "nagare.admin.body";
    private static final String BAD_BODY = "nagare.admin.badBody";

    private final Accounts accounts;
    private final Tokens tokens;
    private final HttpGuard auth;
    private final ClientAddress addresses;
    private final AuditLog audit;
    private final SecurityEvents security;

    public AdminRoutes(Accounts accounts, Tokens tokens, HttpGuard auth, ClientAddress addresses, AuditLog audit,
            SecurityEvents security) {
        this.security = security;
        this.accounts = accounts;
        this.tokens = tokens;
        this.auth = auth;
        this.addresses = addresses;
        this.audit = audit;
    }

    public void mount(Router router, StaticAssets assets) {
        router.get("/admin").handler(auth.attach()).handler(auth.page(false)).handler(ctx -> {
            Principal p = HttpGuard.principal(ctx);
            if (p.role() != Role.ADMIN) {
                ctx.response().setStatusCode(403);
                assets.page("web/admin/denied.html").handle(ctx);
                return;
            }
            assets.page("web/admin/index.html").handle(ctx);
        });
        router.route("/api/admin/*").handler(auth.attach()).handler(auth.require()).handler(ctx -> {
            if (admin(ctx) != null) {
                ctx.next();
            }
        });
        router.get("/api/admin/users").handler(ctx -> reply(ctx, accounts.list().compose(this::withGrants)
                .map(users -> new JsonObject().put("users", users))));
        router.post("/api/admin/users").handler(ctx -> act(ctx, "create user", body(ctx).getString("username"), b -> {
            Role role = Role.parse(b.getString("role", "user"));
            if (role == null || role == Role.GUEST) {
                throw new AuthException("role must be user or admin");
            }
            return accounts.create(b.getString("username"), b.getString("password"), role)
                    .map(a -> new JsonObject().put("username", a.username()).put("role", a.role().name().toLowerCase()));
        }));
        router.delete("/api/admin/users/:name").handler(ctx -> act(ctx, "delete user", name(ctx), b -> {
            if (name(ctx).equalsIgnoreCase(HttpGuard.principal(ctx).username())) {
                throw new AuthException("An administrator cannot delete their own account here.");
            }
            return found(accounts.delete(name(ctx)), name(ctx));
        }));
        router.post("/api/admin/users/:name/password").handler(ctx -> act(ctx, "set password", name(ctx),
                b -> accounts.setPassword(name(ctx), b.getString("password")).map(v -> new JsonObject().put("ok", true))));
        router.post("/api/admin/users/:name/disable").handler(ctx -> act(ctx, "disable user", name(ctx), b -> {
            if (name(ctx).equalsIgnoreCase(HttpGuard.principal(ctx).username())) {
                throw new AuthException("An administrator cannot disable their own account here.");
            }
            return found(accounts.setDisabled(name(ctx), true), name(ctx));
        }));
        router.post("/api/admin/users/:name/enable").handler(ctx -> act(ctx, "enable user", name(ctx),
                b -> found(accounts.setDisabled(name(ctx), false), name(ctx))));
        router.post("/api/admin/users/:name/logout").handler(ctx -> act(ctx, "end logins", name(ctx),
                b -> found(accounts.endLogins(name(ctx)), name(ctx))));
        router.post("/api/admin/users/:name/grants").handler(ctx -> act(ctx, "grant " + body(ctx).getString("right"), name(ctx),
                b -> accounts.grant(name(ctx), right(b.getString("right"))).map(v -> new JsonObject().put("ok", true))));
        router.delete("/api/admin/users/:name/grants").handler(ctx -> act(ctx, "revoke " + ctx.request().getParam("right"),
                name(ctx), b -> accounts.revoke(name(ctx), right(ctx.request().getParam("right")))
                        .map(removed -> new JsonObject().put("removed", removed))));
        router.get("/api/admin/tokens").handler(ctx -> reply(ctx, tokens.list().map(list -> {
            JsonArray out = new JsonArray();
            list.forEach(t -> out.add(info(t)));
            return new JsonObject().put("tokens", out);
        })));
        router.post("/api/admin/tokens").handler(ctx -> act(ctx, "create token " + body(ctx).getString("name"),
                body(ctx).getString("user"), b -> createToken(b)));
        router.delete("/api/admin/tokens/:id").handler(ctx -> act(ctx, "revoke token", ctx.pathParam("id"), b -> {
            long id;
            try {
                id = Long.parseLong(ctx.pathParam("id"));
            } catch (NumberFormatException e) {
                throw new AuthException("a token id is a number");
            }
            return tokens.revoke(id).map(ok -> {
                if (!ok) {
                    throw new NotFound("No token " + id + ".");
                }
                return new JsonObject().put("ok", true);
            });
        }));
        router.get("/api/admin/audit").handler(ctx -> JsonReply.send(ctx, 200, new JsonObject().put("actions", audit.recent())));
        router.get("/api/admin/security").handler(ctx -> {
            JsonArray out = new JsonArray();
            for (SecurityEvents.Event e : security.recent()) {
                out.add(new JsonObject().put("at", e.at()).put("kind", e.kind()).put("address", e.address())
                        .put("detail", e.detail()));
            }
            JsonReply.send(ctx, 200, new JsonObject().put("events", out));
        });
    }

    /** The principal if it is an administrator allowed the console; otherwise answers 403 and returns null. */
    private static Principal admin(RoutingContext ctx) {
        Principal p = HttpGuard.permit(ctx, "admin", "console");
        if (p != null && p.role() != Role.ADMIN) {
            JsonReply.error(ctx, 403, "Only administrators may use the admin API.");
            return null;
        }
        return p;
    }

    private Future<JsonArray> withGrants(List<Account> list) {
        return accounts.disabledNames().compose(disabled -> withGrants(list, disabled));
    }

    private Future<JsonArray> withGrants(List<Account> list, Set<String> disabled) {
        List<Future<JsonObject>> rows = new ArrayList<>();
        for (Account a : list) {
            rows.add(accounts.grants(a.username()).map(g -> new JsonObject().put("username", a.username())
                    .put("role", a.role().name().toLowerCase()).put("createdAt", a.createdAt())
                    .put("disabled", disabled.contains(a.username())).put("grants", new JsonArray(new ArrayList<>(g)))));
        }
        return Future.all(rows).map(all -> {
            JsonArray out = new JsonArray();
            rows.forEach(f -> out.add(f.result()));
            return out;
        });
    }

    private Future<JsonObject> createToken(JsonObject b) {
        String user = b.getString("user");
        String name = b.getString("name");
        if (name == null || name.isBlank() || name.length() > 64) {
            throw new AuthException("a token needs a name of 1-64 characters");
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (Object o : b.getJsonArray("scopes", new JsonArray())) {
            scopes.add(right(String.valueOf(o)));
        }
        int days = b.getInteger("days", 30);
        if (days < 1 || days > MAX_TOKEN_DAYS) {
            throw new AuthException("days must be between 1 and " + MAX_TOKEN_DAYS);
        }
        return accounts.find(user).compose(a -> {
            if (a.isEmpty()) {
                return Future.failedFuture(new NotFound("No user '" + user + "'."));
            }
            return tokens.create(a.get(), name, scopes, Duration.ofDays(days));
        }).map(created -> info(created.info()).put("secret", created.secret()));
    }

    private static JsonObject info(Tokens.Info t) {
        return new JsonObject().put("id", t.id()).put("user", t.username()).put("name", t.name())
                .put("scopes", new JsonArray(new ArrayList<>(t.scopes() == null ? Set.of() : t.scopes())))
                .put("createdAt", t.createdAt()).put("expiresAt", t.expiresAt());
    }

    private static String right(String right) {
        if (right == null || right.isBlank() || right.length() > 128) {
            throw new AuthException("a right is action:resource, e.g. broadcast:video/*");
        }
        try {
            Scopes.parse(right);
        } catch (IllegalArgumentException e) {
            throw new AuthException(e.getMessage());
        }
        return right;
    }

    private static String name(RoutingContext ctx) {
        return ctx.pathParam("name");
    }

    /**
     * The request's JSON object, parsed once per request (the route names its action from it before
     * {@link #act} runs); an empty object for no body, or for one that is not a JSON object, which
     * {@link #act} then refuses.
     */
    private static JsonObject body(RoutingContext ctx) {
        JsonObject cached = ctx.get(BODY);
        if (cached != null) {
            return cached;
        }
        JsonObject b;
        try {
            b = ctx.body() == null ? null : ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            ctx.put(BAD_BODY, true);
            b = null;
        }
        b = b == null ? new JsonObject() : b;
        ctx.put(BODY, b);
        return b;
    }

    private static Future<JsonObject> found(Future<Boolean> done, String name) {
        return done.map(ok -> {
            if (!ok) {
                throw new NotFound("No user '" + name + "'.");
            }
            return new JsonObject().put("ok", true);
        });
    }

    /** Runs an action, audits it and answers: 200 with its result, 400/404 with the reason. */
    private void act(RoutingContext ctx, String action, String target, Function<JsonObject, Future<JsonObject>> work) {
        Principal p = HttpGuard.principal(ctx);
        String address = addresses.of(ctx.request());
        Future<JsonObject> f;
        try {
            JsonObject b = body(ctx);
            if (Boolean.TRUE.equals(ctx.get(BAD_BODY))) {
                throw new AuthException("the body must be a JSON object");
            }
            f = work.apply(b);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onComplete(ar -> audit.record(p.username(), address, action, String.valueOf(target), ar.succeeded()));
        reply(ctx, f);
    }

    private static void reply(RoutingContext ctx, Future<JsonObject> f) {
        f.onComplete(ar -> {
            if (ctx.response().ended()) {
                return;
            }
            if (ar.succeeded()) {
                JsonReply.send(ctx, 200, ar.result());
            } else if (ar.cause() instanceof NotFound) {
                JsonReply.error(ctx, 404, ar.cause().getMessage());
            } else if (ar.cause() instanceof AuthException || ar.cause() instanceof IllegalArgumentException) {
                JsonReply.error(ctx, 400, ar.cause().getMessage());
            } else {
                JsonReply.error(ctx, 500, "The store did not answer; see the server log.");
                org.slf4j.LoggerFactory.getLogger(AdminRoutes.class).warn("admin API {} failed", ctx.request().path(), ar.cause());
            }
        });
    }

    private static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message, null, false, false);
        }
    }
}
