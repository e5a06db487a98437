package dev.nagare.apps.game;

import dev.nagare.auth.http.HttpGuard;
import dev.nagare.web.JsonReply;
import dev.nagare.web.OnContext;
import io.vertx.core.Context;
import dev.nagare.web.StaticAssets;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code GET /game} (the page) and {@code GET /api/game/stats?ticks=N} (tick time and jitter over the
 * last N ticks, matches, input counters).
 */
public final class GameRoutes {
    private final GameApp app;
    private final HttpGuard auth;
    private final Context home;

    public GameRoutes(GameApp app, HttpGuard auth, Context home) {
        this.app = app;
        this.auth = auth;
        this.home = home;
    }

    public void mount(Router router, StaticAssets assets) {
        router.get("/game").handler(assets.page("web/game/index.html"));
        // The game lives on the home context; a request may be served by another event loop.
        router.get("/api/game/stats").handler(auth.attach()).handler(auth.require()).handler(OnContext.of(home))
                .handler(ctx -> {
                    String ticks = ctx.request().getParam("ticks", "3000");
                    int n = ticks.matches("\\d{1,4}") ? Integer.parseInt(ticks) : 3000;
                    JsonReply.send(ctx, 200, new JsonObject(app.describe(n)));
                });
    }
}
