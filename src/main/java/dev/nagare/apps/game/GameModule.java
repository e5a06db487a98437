package dev.nagare.apps.game;

import dev.nagare.auth.http.HttpGuard;
import dev.nagare.socketio.ConnectMiddleware;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.web.AppPage;
import dev.nagare.web.ServerModule;
import dev.nagare.web.StaticAssets;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.List;

/** The arena game ({@code /game} namespace and page) as a module. */
public final class GameModule implements ServerModule {
    public static final String NAME = "game";

    private final SocketIoServer io;
    private final ConnectMiddleware auth;
    private final GameConfig config;
    private final Context home;
    private final HttpGuard http;
    private final boolean clustered;
    private volatile GameApp app;

    /** {@code clustered}: other nodes run matches too (the lobby and matchmaking span them). */
    public GameModule(SocketIoServer io, ConnectMiddleware auth, GameConfig config, Context home, HttpGuard http,
            boolean clustered) {
        this.io = io;
        this.auth = auth;
        this.config = config;
        this.home = home;
        this.http = http;
        this.clustered = clustered;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Future<Void> start() {
        app = GameApp.install(io, auth, config, home, clustered);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> drain(String reason) {
        return app == null ? Future.succeededFuture() : app.drain(reason);
    }

    @Override
    public List<AppPage> pages() {
        return List.of(new AppPage("/game", "Game", true));
    }

    @Override
    public void mount(Router router, StaticAssets assets) {
        new GameRoutes(app, http).mount(router, assets);
    }

    public GameApp app() {
        return app;
    }
}
