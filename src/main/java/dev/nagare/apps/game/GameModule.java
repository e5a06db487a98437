package dev.nagare.apps.game;

import dev.nagare.auth.http.HttpGuard;
import dev.nagare.socketio.ConnectMiddleware;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.web.AppPage;
import dev.nagare.web.ServerModule;
import dev.nagare.web.StaticAssets;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
        new GameRoutes(app, http, home).mount(router, assets);
    }

    /** Players (people and bots) in this node's matches, and a histogram of tick durations. */
    @Override
    public Runnable metrics(MeterRegistry registry) {
        GameApp game = app;
        Gauge.builder("nagare.game.players", game, GameApp::players)
                .description("People and bots seated in this node's matches").register(registry);
        Timer ticks = Timer.builder("nagare.game.tick.duration").description("Time one game tick takes (every match of the node)")
                .serviceLevelObjectives(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(2),
                        java.time.Duration.ofMillis(5), java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(20),
                        java.time.Duration.ofMillis(33), java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(100))
                .register(registry);
        game.stats().onTick(n -> ticks.record(n, java.util.concurrent.TimeUnit.NANOSECONDS));
        return () -> { };
    }

    public GameApp app() {
        return app;
    }
}
