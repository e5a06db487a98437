package dev.nagare.server;

import dev.nagare.apps.chat.ChatApp;
import dev.nagare.apps.chat.ChatModule;
import dev.nagare.apps.feed.FeedHub;
import dev.nagare.apps.feed.FeedModule;
import dev.nagare.apps.game.GameApp;
import dev.nagare.apps.game.GameModule;
import dev.nagare.auth.Accounts;
import dev.nagare.auth.AuthConfig;
import dev.nagare.auth.Authenticator;
import dev.nagare.auth.ExternalTokens;
import dev.nagare.auth.ClientAddress;
import dev.nagare.auth.SecurityEvents;
import dev.nagare.auth.PasswordHasher;
import dev.nagare.auth.RevocationCheck;
import dev.nagare.auth.Revocations;
import dev.nagare.auth.StreamTokens;
import dev.nagare.auth.http.StreamTokenRoutes;
import dev.nagare.auth.Role;
import dev.nagare.auth.Secrets;
import dev.nagare.auth.Sessions;
import dev.nagare.auth.Tokens;
import dev.nagare.auth.http.HttpGuard;
import dev.nagare.auth.jwt.JwtLogins;
import dev.nagare.hooks.ProxyHooks;
import dev.nagare.auth.http.LoginRoutes;
import dev.nagare.auth.socketio.SocketIoGuard;
import dev.nagare.auth.socketio.SocketRevoker;
import dev.nagare.engine.EngineServer;
import dev.nagare.web.NettyChannels;
import dev.nagare.media.audio.AudioModule;
import dev.nagare.media.audio.AudioRoutes;
import dev.nagare.media.video.VideoModule;
import dev.nagare.media.video.VideoRoutes;
import dev.nagare.socketio.SocketIoConfig;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.adapter.ClusterConfig;
import dev.nagare.api.AdminRoutes;
import dev.nagare.api.AuditLog;
import dev.nagare.api.EmitRoutes;
import dev.nagare.auth.RateSharing;
import dev.nagare.adapter.RedisAdapter;
import dev.nagare.adapter.RedisLink;
import dev.nagare.sse.RedisSseBus;
import dev.nagare.sse.SseChannels;
import dev.nagare.store.Store;
import dev.nagare.web.SameOrigin;
import dev.nagare.web.SecurityHeaders;
import dev.nagare.web.ServerModule;
import dev.nagare.web.StaticAssets;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.BindException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server: {@code Nagare.create(config).start()}, then {@link #port()}, then {@link #stop()}.
 * {@code start} and {@code stop} block the calling thread and must not be called from an event loop.
 *
 * <p>The core (store, accounts and login, the Socket.IO server, SSE channels, health, the landing
 * page) always runs; the modules {@link ServerConfig#apps()} names (chat, feed, game, video, audio,
 * sse; see {@link Modules}) are assembled around it. Embedded, a server runs only the modules its
 * config names, so an application's own {@code /chat} does not meet the built-in one; the command
 * line runs them all unless {@code --apps} says otherwise.
 */
public final class Nagare {
    private static final Logger LOG = LoggerFactory.getLogger(Nagare.class);
    private static final long START_TIMEOUT_SECONDS = 30;
    private final ServerConfig config;
    private final List<Function<String, Future<Void>>> drainHooks = new CopyOnWriteArrayList<>();
    private volatile Vertx vertx;
    private volatile Store store;
    private volatile HttpServer server;
    /** The main port's servers, one per event loop ({@code --event-loops}); {@link #server} is the first. */
    private volatile List<HttpServer> servers = List.of();
    private volatile HttpServer redirectServer;
    private volatile HttpServer managementServer;
    private MetricsHandler metrics;
    private HealthHandler health;
    private volatile ConnectionGuard guard;
    private volatile SocketIoServer io;
    private volatile Accounts accounts;
    private volatile Tokens tokens;
    private volatile HttpGuard auth;
    private volatile SocketIoGuard socketAuth;
    private volatile LoginRoutes logins;
    private volatile SseChannels sse;
    private volatile RedisLink cluster;
    private final AuditLog audit = new AuditLog();
    private final SecurityEvents security = new SecurityEvents();
    private final io.micrometer.prometheusmetrics.PrometheusMeterRegistry meters = MetricsHandler.newRegistry();
    private volatile RateSharing rates = RateSharing.NONE;
    /** Stream URL tokens: the key is read from the store once, at start. */
    private volatile StreamTokens streamTokens;
    private volatile List<ServerModule> modules = List.of();
    private volatile boolean draining;
    private volatile boolean stopped;
    private volatile Thread shutdownHook;

    private Nagare(ServerConfig config) {
        this.config = config;
    }

    public static Nagare create(ServerConfig config) {
        return new Nagare(config);
    }

    /** Opens the store, mounts the routes and listens. Throws {@link StartupException} with a plain reason. */
    public Nagare start() {
        long t0 = System.nanoTime();
        List<Modules.Kind> kinds = Modules.chosen(config);
        // We serve the classpath ourselves (StaticAssets), so Vert.x needs no on-disk file cache.
        // One more event loop than the main port uses, for the management port and clients.
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
                .setEventLoopPoolSize(Math.max(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, config.eventLoops() + 1))
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false)));
        try {
            store = new MeteredStore(await(Store.open(vertx, config.store(), Modules.storeComponents(kinds)),
                    "open the store " + config.store().describe()), meters);
            if (config.cluster() != null) {
                cluster = joinCluster(config.cluster());
            }
            // Ending a login (logout, new password, deletion, revoked token) ends its sockets and streams.
            Revocations revocations = new Revocations();
            accounts = new Accounts(store, vertx, new PasswordHasher(), revocations);
            ClientAddress clientAddress = new ClientAddress(config.trustedProxies());
            tokens = new Tokens(store, revocations);
            AuthConfig authConfig = new AuthConfig(config.registrationOpen(), config.guests(), config.tls(),
                    Duration.ofMinutes(30), Duration.ofHours(12), Duration.ofHours(1), 5, clientAddress);
            Sessions sessions = new Sessions(store, authConfig.sessionIdle(), authConfig.sessionAbsolute(), revocations);
            // All real-time state lives on one event-loop context, home (see below); JWT expiries fire there too.
            Context home = vertx.getOrCreateContext();
            JwtLogins jwt = config.jwt() == null ? null : new JwtLogins(vertx, home, config.jwt(), revocations);
            if (jwt != null) {
                await(jwt.start(), "fetch the JWK set"); // never fails: an unreachable set is logged, and retried
                onDrain(reason -> {
                    jwt.stop();
                    return Future.succeededFuture();
                });
            }
            ExternalTokens external = jwt == null ? ExternalTokens.NONE : jwt;
            Authenticator authenticator = new Authenticator(sessions, tokens, external);
            // Signed URL tokens for players and devices that cannot log in; the key lives in the store, shared by every node.
            streamTokens = await(new StreamTokens(store).start(), "load the key of stream URL tokens");
            auth = new HttpGuard(authenticator, revocations, clientAddress, streamTokens, config.publicStreams());
            // Connects and chat messages go to the configured backends for a verdict first (--proxy-*).
            ProxyHooks hooks = config.hooks() == null ? ProxyHooks.NONE : new ProxyHooks(vertx, config.hooks());
            socketAuth = new SocketIoGuard(authenticator, authConfig.guests(), hooks);
            logins = new LoginRoutes(accounts, sessions, tokens, authConfig, auth);
            logins.throttle().reportTo(security);
            if (cluster != null) {
                SharedLogins.install(cluster, logins.throttle()); // guesses spread over nodes count as at one
            }
            // The main port is listened from home and from --event-loops - 1 other loops: connections are
            // spread over them, sessions stay on home (see EngineServer).
            List<Context> loops = EventLoops.contexts(vertx, home, config.eventLoops());
            HttpServerOptions httpOptions = HttpListener.options(config);
            ServerConfig.ConnectionLimits limits = config.connections();
            guard = new ConnectionGuard(vertx, limits.maxTcp(), limits.perAddress(), limits.firstRequest().toMillis(),
                    config.trustedProxies());
            Promise<List<HttpServer>> listening = Promise.promise();
            home.runOnContext(v -> {
                EngineServer engine = new EngineServer(home, config.engine());
                engine.clientAddress(clientAddress::of);
                engine.stats().onRefusal((reason, address) -> security.record("handshake refused (" + reason + ")", address, ""));
                io = new SocketIoServer(engine, SocketIoConfig.defaults());
                if (cluster != null) {
                    io.adapter(RedisAdapter.factory(vertx, cluster, io.jsonMapper(), io.config().recoveryPackets()));
                }
                SocketRevoker.install(io, revocations);
                // What the command line (another process) ends is noticed within about a second.
                RevocationCheck check = new RevocationCheck(vertx, store, sessions, tokens, revocations, external, streamTokens).start();
                onDrain(reason -> check.stop());
                // The default namespace is for authenticated users (or guests where allowed).
                io.of("/").use(socketAuth.connect());
                // In a cluster, SSE events go through the cluster's log, so every node has them with the same ids.
                sse = new SseChannels(home, config.sse(), cluster == null ? null : new RedisSseBus(vertx, cluster, config.sse()));
                rates = cluster == null ? RateSharing.NONE : new SharedRates(vertx, cluster);
                Modules.Core core = new Modules.Core(vertx, home, config, store, io, auth, socketAuth, sse, cluster, rates,
                        accounts, logins.throttle(), hooks, audit);
                Future<Void> started = Future.succeededFuture();
                try {
                    modules = kinds.stream().map(k -> k.build().apply(core)).toList();
                } catch (IllegalArgumentException e) { // only a capture device that is not there
                    listening.fail(new StartupException("--audio-mic: " + e.getMessage(), e));
                    return;
                }
                for (ServerModule m : modules) {
                    started = started.compose(ignored -> m.start());
                }
                started.compose(ready -> {
                    // Through NettyChannels, so that the engine's WebSockets reach their channel (the fast path).
                    io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> routed = NettyChannels.routed(router(engine));
                    return EventLoops.listen(loops, () -> vertx.createHttpServer(httpOptions).requestHandler(routed)
                            .connectionHandler(guard.onConnection())
                            .invalidRequestHandler(ErrorPages::invalidRequest), config.port(), config.host());
                }).onComplete(listening);
            });
            servers = await(listening.future(), "listen");
            server = servers.get(0);
            onDrain(io::close);
            if (config.httpRedirectPort() != null) {
                redirectServer = await(vertx.createHttpServer().requestHandler(req -> HttpListener.redirectToHttps(req, baseUrl()))
                        .listen(config.httpRedirectPort(), config.host()), "listen for the HTTP redirect");
            }
            if (config.management() != null) {
                managementServer = await(ManagementServer.start(vertx,
                        loops.stream().map(c -> ((ContextInternal) c).nettyEventLoop()).toList(), config.management(), r -> {
                            health.mount(r);
                            if (config.management().loopback()) {
                                metrics.mountOpen(r);
                            } else {
                                metrics.mount(r);
                            }
                        }), "listen on the management port");
            }
            // Only now that every port is bound and every module started: a start that fails must not
            // consume the one-time admin password (the next start would print none).
            await(bootstrapAdmin(), "create the first admin account");
        } catch (StartupException e) {
            closeQuietly();
            throw e;
        }
        // Embedded, a SIGTERM or the end of main drains the server as the command line's signal handler does.
        Thread hook = new Thread(this::stop, "nagare-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
        String url = baseUrl();
        if (redirectServer != null) {
            LOG.info("Plain HTTP on port {} redirects to {}", redirectServer.actualPort(), url);
        }
        LOG.info("Nagare {} ready at {} (data dir {}, store {}, {}, modules {}, {} transport, {} event loop{}) in {} ms{}",
                Version.get(), url,
                config.dataDir(), store.describe(), cluster == null ? "single node" : "cluster over " + cluster.config(),
                modules.isEmpty() ? "none" : String.join(",", modules.stream().map(ServerModule::name).toList()),
                vertx.isNativeTransportEnabled() ? "native" : "NIO", servers.size(), servers.size() == 1 ? "" : "s", (System.nanoTime() - t0) / 1_000_000,
                "0.0.0.0".equals(config.host()) ? "; listening on all interfaces" : "");
        return this;
    }

    /**
     * Connects to the cluster's Redis, waiting up to 10 s: a node whose Redis is down still starts,
     * reports not ready and joins as soon as Redis answers.
     */
    private RedisLink joinCluster(ClusterConfig cluster) {
        RedisLink link = new RedisLink(vertx, cluster);
        try {
            link.start(10_000).toCompletionStage().toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (RedisLink.refusedUs(e.getCause())) {
                link.close();
                throw new StartupException("--cluster: Redis at " + cluster + " refused this node: "
                        + e.getCause().getMessage() + " (check --cluster-password-file or NAGARE_CLUSTER_PASSWORD,"
                        + " and --cluster-ca for rediss://)", e.getCause());
            }
            LOG.warn("cluster: Redis at {} does not answer yet ({}); this node reports not ready until it does",
                    cluster, e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while joining the cluster", e);
        }
        return link;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.actualPort();
    }

    public String baseUrl() {
        String host = "0.0.0.0".equals(config.host()) || "::".equals(config.host()) ? "localhost" : config.host();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return (config.tls() ? "https://" : "http://") + host + ":" + port();
    }

    /** How many event loops serve the main port ({@code --event-loops}; fewer when Vert.x has fewer). */
    public int eventLoops() {
        return servers.size();
    }

    /** The plain-HTTP redirect port, or -1 when there is none. */
    public int redirectPort() {
        return redirectServer == null ? -1 : redirectServer.actualPort();
    }

    /** The management port ({@code --management-port}), or -1 when there is none. */
    public int managementPort() {
        return managementServer == null ? -1 : managementServer.actualPort();
    }

    ConnectionGuard guard() {
        return guard;
    }

    public ServerConfig config() {
        return config;
    }

    public Vertx vertx() {
        return vertx;
    }

    public Store store() {
        return store;
    }

    public Accounts accounts() {
        return accounts;
    }

    public Tokens tokens() {
        return tokens;
    }

    /** The HTTP guard: principal, login, CSRF and rights handlers for routes. */
    public HttpGuard auth() {
        return auth;
    }

    /** The Socket.IO guard; {@code socketAuth().connect()} protects a namespace. */
    public SocketIoGuard socketAuth() {
        return socketAuth;
    }

    /** The running modules, in start order. */
    public List<ServerModule> modules() {
        return modules;
    }

    /** The running module of {@code type}, or null when it is not among {@code --apps}. */
    public <M extends ServerModule> M module(Class<M> type) {
        return modules.stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }

    /** Video streams ({@code /video/...}); null without the video module. */
    public VideoRoutes video() {
        VideoModule m = module(VideoModule.class);
        return m == null ? null : m.routes();
    }

    /** Audio streams ({@code /audio/...}); null without the audio module. */
    public AudioRoutes audio() {
        AudioModule m = module(AudioModule.class);
        return m == null ? null : m.routes();
    }

    /** The chat on {@code /chat} (and the guide's protocol on the default namespace); null without it. */
    public ChatApp chat() {
        ChatModule m = module(ChatModule.class);
        return m == null ? null : m.app();
    }

    /** Server-Sent Events channels; apps publish into them (the sse module serves them at {@code /sse/...}). */
    public SseChannels sse() {
        return sse;
    }

    /** The data feeds ({@code /feeds}, {@code /sse/feed:<name>}, {@code /api/feeds}); null without them. */
    public FeedHub feeds() {
        FeedModule m = module(FeedModule.class);
        return m == null ? null : m.hub();
    }

    /** The arena game ({@code /game}); null without it. */
    public GameApp game() {
        GameModule m = module(GameModule.class);
        return m == null ? null : m.app();
    }

    /** The Socket.IO server (path /socket.io/); apps register their namespaces here. */
    public SocketIoServer io() {
        return io;
    }

    /** Registers a hook that closes real-time sessions with the given reason when the server drains. */
    public void onDrain(Function<String, Future<Void>> hook) {
        drainHooks.add(hook);
    }

    /**
     * Drains and stops: readiness turns 503, real-time sessions are closed with a reason, the
     * listener stops accepting and open requests get up to shutdown-timeout to finish, the store is
     * flushed. Idempotent.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        draining = true;
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs (and finds us stopped)
            }
        }
        long delay = config.drainDelay().toMillis();
        if (delay > 0 && !Context.isOnEventLoopThread()) {
            // Readiness is 503 from here on while everything else is served as before: a load balancer's
            // checks take the node out before its clients are sent away, so they reconnect elsewhere.
            LOG.info("Draining: /health/ready answers 503 for {} ms before sessions are closed", delay);
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long timeout = config.shutdownTimeout().toMillis();
        for (ServerModule m : modules) {
            awaitQuietly(m.drain("server shutting down"), timeout, "drain " + m.name());
        }
        for (Function<String, Future<Void>> hook : drainHooks) {
            awaitQuietly(hook.apply("server shutting down"), timeout, "close real-time sessions");
        }
        if (redirectServer != null) {
            awaitQuietly(redirectServer.close(), 5000, "stop the HTTP redirect");
        }
        if (!servers.isEmpty()) {
            awaitQuietly(Future.all(servers.stream().map(s -> s.shutdown(timeout, TimeUnit.MILLISECONDS)).toList()),
                    timeout + 1000, "stop the HTTP server");
        }
        if (managementServer != null) { // after the main port: until then it reports the drain
            awaitQuietly(managementServer.close(), 5000, "stop the management port");
        }
        stopModules();
        if (sse != null) {
            awaitQuietly(sse.close(), 5000, "stop reading the cluster's SSE events");
        }
        if (cluster != null) {
            awaitQuietly(cluster.close(), 5000, "leave the cluster");
        }
        if (store != null) {
            awaitQuietly(store.close(), 10_000, "flush the store");
        }
        if (vertx != null) {
            awaitQuietly(vertx.close(), 10_000, "stop Vert.x");
        }
        LOG.info("Nagare stopped");
    }

    private Router router(EngineServer engine) {
        Router router = Router.router(vertx);
        router.route().handler(new SecurityHeaders(config.tls()));
        router.route().handler(guard::onRequest);
        // Long-lived responses count against their account's stream quota (before the modules' routes).
        for (String stream : new String[] {"/sse/*", "/stream"}) {
            router.get(stream).handler(auth.attach()).handler(guard.streams(config.connections().streamsPerUser()));
        }
        // Media streams also open with a signed ?token= in their URL (players and devices; see StreamTokens).
        for (String stream : new String[] {"/video/*", "/video_feed", "/audio/*", "/audio_feed"}) {
            router.get(stream).handler(auth.attachStream()).handler(guard.streams(config.connections().streamsPerUser()));
        }
        if (config.accessLog()) {
            router.route().handler(new AccessLog(new ClientAddress(config.trustedProxies())));
        }
        router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
        // One Origin check for every WebSocket endpoint outside the engine (which does its own).
        router.route().handler(new SameOrigin(config.allowedOrigins(), engine.config().path()));
        health = new HealthHandler(store, cluster, () -> draining);
        health.mount(router);
        logins.mount(router);
        new StreamTokenRoutes(streamTokens).mount(router, auth); // POST /api/streams/token
        new EmitRoutes(io, auth, rates).mount(router); // publishing from any backend (/api/v1/...)
        metrics = new MetricsHandler(meters, engine, io, auth, cluster, logins.throttle(), modules);
        metrics.mount(router);
        StaticAssets assets = new StaticAssets(vertx);
        new AppPages(modules, config.guests()).mount(router, auth); // the one login rule of app pages
        new AdminRoutes(accounts, tokens, auth, new ClientAddress(config.trustedProxies()), audit, security).mount(router, assets);
        for (ServerModule m : modules) {
            m.mount(router, assets);
        }
        router.get("/").handler(assets.page("web/index.html"));
        router.head("/").handler(assets.page("web/index.html"));
        router.route("/assets/*").handler(assets.directory("/assets/", "web/assets", StaticAssets.CachePolicy.REVALIDATE));
        router.get("/favicon.ico").handler(assets.page("web/assets/favicon.svg"));
        // The official browser client, where the Node server serves it, then the engine itself.
        router.get("/socket.io/*").handler(assets.directory("/socket.io/", "web/vendor/socket.io",
                StaticAssets.CachePolicy.REVALIDATE));
        router.get("/vendor/socket.io/*").handler(assets.directory("/vendor/socket.io/", "web/vendor/socket.io",
                StaticAssets.CachePolicy.REVALIDATE));
        router.route(engine.config().path() + "*").handler(ctx -> engine.handle(ctx.request()));
        ErrorPages.install(router);
        return router;
    }

    /** On first start the store has no account: create "admin" so that someone can log in. */
    private Future<Void> bootstrapAdmin() {
        return accounts.count().compose(n -> {
            if (n > 0) {
                return Future.succeededFuture();
            }
            boolean generated = config.adminPassword() == null;
            String password = generated ? Secrets.random(18) : config.adminPassword();
            return accounts.create("admin", password, Role.ADMIN).map(a -> {
                if (generated) {
                    LOG.warn("Created the first account 'admin' with password {} ; it is shown only this once."
                            + " Change it with: {} user passwd admin", password, CommandName.get());
                } else {
                    LOG.info("Created the first account 'admin' with the password from NAGARE_ADMIN_PASSWORD");
                }
                return (Void) null;
            });
        });
    }

    private <T> T await(Future<T> future, String what) {
        try {
            return future.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StartupException startup) {
                    throw startup;
                }
            }
            throw new StartupException(explain(e, what), e);
        }
    }

    private String explain(Throwable e, String what) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String msg = String.valueOf(t.getMessage());
            // NIO reports a BindException; the native epoll transport a NativeIoException from bind(..).
            if (t instanceof BindException || msg.contains("bind(")) {
                if (msg.contains("in use")) {
                    return "Port " + config.port() + " on " + config.host() + " is already in use by another"
                            + " program. Stop that program or choose another port with --port or NAGARE_PORT.";
                }
                return "Cannot listen on " + config.host() + ":" + config.port() + " (" + msg + "). Check --host"
                        + " (NAGARE_HOST) names an address of this machine, and that the port is allowed.";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql) { // its message says it all (where, and why)
                return "Cannot " + what + ": " + sql.getMessage();
            }
        }
        return "Cannot " + what + ": " + e;
    }

    private static void awaitQuietly(Future<?> future, long timeoutMillis, String what) {
        try {
            future.await(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("Could not {} cleanly: {}", what, e.toString());
        }
    }

    /** Stops the modules, last started first. */
    private void stopModules() {
        List<ServerModule> started = new java.util.ArrayList<>(modules);
        java.util.Collections.reverse(started);
        for (ServerModule m : started) {
            awaitQuietly(m.stop(), 5000, "stop " + m.name());
        }
    }

    private void closeQuietly() {
        stopped = true;
        stopModules();
        if (cluster != null) {
            awaitQuietly(cluster.close(), 5000, "leave the cluster");
        }
        if (store != null) {
            awaitQuietly(store.close(), 10_000, "close the store");
        }
        awaitQuietly(vertx.close(), 10_000, "stop Vert.x");
    }
}
