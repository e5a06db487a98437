package dev.nagare.server;

import dev.nagare.apps.chat.ChatApp;
import dev.nagare.apps.chat.ChatRoutes;
import dev.nagare.apps.feed.FeedApp;
import dev.nagare.apps.feed.FeedHub;
import dev.nagare.apps.feed.FeedRoutes;
import dev.nagare.apps.game.GameApp;
import dev.nagare.apps.game.GameRoutes;
import dev.nagare.auth.Accounts;
import dev.nagare.auth.AuthConfig;
import dev.nagare.auth.AuthRoutes;
import dev.nagare.auth.ClientAddress;
import dev.nagare.auth.PasswordHasher;
import dev.nagare.auth.PasswordPolicy;
import dev.nagare.auth.RevocationCheck;
import dev.nagare.auth.Revocations;
import dev.nagare.auth.Role;
import dev.nagare.auth.Secrets;
import dev.nagare.auth.Sessions;
import dev.nagare.auth.SocketRevoker;
import dev.nagare.auth.Tokens;
import dev.nagare.engine.EngineServer;
import dev.nagare.engine.NettyChannels;
import dev.nagare.media.audio.AudioRoutes;
import dev.nagare.media.audio.AudioStream;
import dev.nagare.media.audio.FfmpegAudioSource;
import dev.nagare.media.audio.PcmFormat;
import dev.nagare.media.audio.ToneSource;
import dev.nagare.media.video.FfmpegSource;
import dev.nagare.media.video.TestPatternSource;
import dev.nagare.media.video.VideoRoutes;
import dev.nagare.media.video.VideoSettings;
import dev.nagare.media.video.VideoStream;
import dev.nagare.socketio.SocketIoConfig;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.sse.SseChannels;
import dev.nagare.sse.SseRoutes;
import dev.nagare.store.SqliteStore;
import dev.nagare.store.Store;
import dev.nagare.web.SameOrigin;
import dev.nagare.web.SecurityHeaders;
import dev.nagare.web.StaticAssets;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.BindException;
import java.nio.file.Path;
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
 */
public final class Nagare {
    private static final Logger LOG = LoggerFactory.getLogger(Nagare.class);
    private static final long START_TIMEOUT_SECONDS = 30;
    /**
     * Forward-secret AEAD suites only (Mozilla's "intermediate" profile): TLS 1.3's three, and for
     * TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305, for ECDSA and RSA certificates. No CBC, no
     * SHA-1 MAC, no static RSA key exchange.
     */
    static final List<String> TLS_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final ServerConfig config;
    private final List<Function<String, Future<Void>>> drainHooks = new CopyOnWriteArrayList<>();
    private volatile Vertx vertx;
    private volatile Store store;
    private volatile HttpServer server;
    private volatile HttpServer redirectServer;
    private volatile ConnectionGuard guard;
    private volatile SocketIoServer io;
    private volatile Accounts accounts;
    private volatile Tokens tokens;
    private volatile AuthRoutes auth;
    private volatile VideoRoutes video;
    private volatile AudioRoutes audio;
    private volatile ChatApp chat;
    private volatile SseChannels sse;
    private volatile FeedHub feeds;
    private volatile GameApp game;
    private volatile dev.nagare.media.audio.AudioSource mic;
    private volatile boolean draining;
    private volatile boolean stopped;

    private Nagare(ServerConfig config) {
        this.config = config;
    }

    public static Nagare create(ServerConfig config) {
        return new Nagare(config);
    }

    /** Opens the store, mounts the routes and listens. Throws {@link StartupException} with a plain reason. */
    public Nagare start() {
        long t0 = System.nanoTime();
        mic = config.audioMic() == null ? null : microphone(config.audioMic()); // a missing device stops us here
        // We serve the classpath ourselves (StaticAssets), so Vert.x needs no on-disk file cache.
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setFileSystemOptions(new FileSystemOptions()
                .setClassPathResolvingEnabled(false).setFileCachingEnabled(false)));
        try {
            store = await(SqliteStore.open(vertx, config.dataDir()), "open the store in " + config.dataDir());
            PasswordPolicy.load(); // the breached-password list, read here rather than on an event loop
            // Ending a login (logout, new password, deletion, revoked token) ends its sockets and streams.
            Revocations revocations = new Revocations();
            accounts = new Accounts(store, vertx, new PasswordHasher(), revocations);
            ClientAddress clientAddress = new ClientAddress(config.trustedProxies());
            tokens = new Tokens(store, revocations);
            AuthConfig authConfig = new AuthConfig(config.registrationOpen(), config.guests(), config.tls(),
                    Duration.ofMinutes(30), Duration.ofHours(12), Duration.ofHours(1), 5, clientAddress);
            Sessions sessions = new Sessions(store, authConfig.sessionIdle(), authConfig.sessionAbsolute(), revocations);
            auth = new AuthRoutes(accounts, sessions, tokens, authConfig, revocations);
            await(bootstrapAdmin(), "create the first admin account");
            // All real-time state lives on one event-loop context; the HTTP server listens from it
            // so that its connections are served there too (no hops on the hot path).
            HttpServerOptions httpOptions = httpOptions();
            ServerConfig.ConnectionLimits limits = config.connections();
            guard = new ConnectionGuard(vertx, limits.maxTcp(), limits.perAddress(), limits.firstRequest().toMillis(),
                    config.trustedProxies());
            Context home = vertx.getOrCreateContext();
            Promise<HttpServer> listening = Promise.promise();
            home.runOnContext(v -> {
                EngineServer engine = new EngineServer(home, config.engine());
                engine.clientAddress(clientAddress::of);
                io = new SocketIoServer(engine, SocketIoConfig.defaults());
                SocketRevoker.install(io, revocations);
                // What the command line (another process) ends is noticed within about a second.
                RevocationCheck check = new RevocationCheck(vertx, store, sessions, tokens, revocations).start();
                onDrain(reason -> check.stop());
                // The default namespace is for authenticated users (or guests where allowed).
                io.of("/").use(auth.socketAuth());
                sse = new SseChannels(home, config.sse());
                feeds = new FeedHub(home, sse, store, config.feedLimits());
                FeedApp.install(io, auth.socketAuth(), feeds);
                game = GameApp.install(io, auth.socketAuth(), config.game(), home);
                ChatApp.install(io, auth.socketAuth(), store, config.chat()).compose(app -> {
                    chat = app;
                    return feeds.start(config.feeds());
                }).compose(ready -> {
                    // Through NettyChannels, so that the engine's WebSockets reach their channel (the fast path).
                    HttpServer http = vertx.createHttpServer(httpOptions).requestHandler(NettyChannels.routed(router(engine)))
                            .connectionHandler(guard.onConnection())
                            .invalidRequestHandler(ErrorPages::invalidRequest);
                    return http.listen(config.port(), config.host());
                }).onComplete(listening);
            });
            server = await(listening.future(), "listen");
            onDrain(io::close);
            if (config.httpRedirectPort() != null) {
                redirectServer = await(vertx.createHttpServer().requestHandler(this::redirectToHttps)
                        .listen(config.httpRedirectPort(), config.host()), "listen for the HTTP redirect");
            }
        } catch (StartupException e) {
            closeQuietly();
            throw e;
        }
        String url = baseUrl();
        if (redirectServer != null) {
            LOG.info("Plain HTTP on port {} redirects to {}", redirectServer.actualPort(), url);
        }
        LOG.info("Nagare {} ready at {} (data dir {}, {} transport) in {} ms{}", Version.get(), url, config.dataDir(),
                vertx.isNativeTransportEnabled() ? "native" : "NIO", (System.nanoTime() - t0) / 1_000_000,
                "0.0.0.0".equals(config.host()) ? "; listening on all interfaces" : "");
        return this;
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

    /** The plain-HTTP redirect port, or -1 when there is none. */
    public int redirectPort() {
        return redirectServer == null ? -1 : redirectServer.actualPort();
    }

    /**
     * The plain-HTTP port's only answer: 301 to the same path on {@link #baseUrl()}, the configured
     * host and port. Never the request's Host header: echoing it would let anyone choose where the
     * redirect goes (cache poisoning, phishing links). With the usual security headers.
     */
    private void redirectToHttps(io.vertx.core.http.HttpServerRequest req) {
        String uri = req.uri();
        if (uri == null || !uri.startsWith("/") || uri.startsWith("//") || uri.length() > 2048
                || uri.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            uri = "/";
        }
        io.vertx.core.http.HttpServerResponse res = req.response();
        SecurityHeaders.apply(res.headers());
        res.setStatusCode(301)
                .putHeader("Location", baseUrl() + uri)
                .putHeader("Cache-Control", "no-store")
                .putHeader("Content-Length", "0")
                .end();
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

    /** Login, CSRF and principal handlers; {@code auth().socketAuth()} protects a namespace. */
    public AuthRoutes auth() {
        return auth;
    }

    /** Video streams ({@code /video/...}); the default one is the synthetic test pattern. */
    public VideoRoutes video() {
        return video;
    }

    /** Audio streams ({@code /audio/...}); the default one is a test tone. */
    public AudioRoutes audio() {
        return audio;
    }

    /** The chat on {@code /chat} (and the guide's protocol on the default namespace). */
    public ChatApp chat() {
        return chat;
    }

    /** Server-Sent Events channels ({@code /sse/{channel}}); apps publish into them. */
    public SseChannels sse() {
        return sse;
    }

    /** The data feeds ({@code /feeds}, {@code /sse/feed:<name>}, {@code /api/feeds}). */
    public FeedHub feeds() {
        return feeds;
    }

    /** The arena game ({@code /game}). */
    public GameApp game() {
        return game;
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
        long timeout = config.shutdownTimeout().toMillis();
        for (Function<String, Future<Void>> hook : drainHooks) {
            awaitQuietly(hook.apply("server shutting down"), timeout, "close real-time sessions");
        }
        if (redirectServer != null) {
            awaitQuietly(redirectServer.close(), 5000, "stop the HTTP redirect");
        }
        if (server != null) {
            awaitQuietly(server.shutdown(timeout, TimeUnit.MILLISECONDS), timeout + 1000, "stop the HTTP server");
        }
        if (video != null) {
            video.close();
        }
        if (feeds != null) {
            awaitQuietly(feeds.close(), 5000, "stop the feeds");
        }
        if (audio != null) {
            audio.close();
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
        for (String stream : new String[] {"/sse/*", "/stream", "/video/*", "/video_feed", "/audio/*", "/audio_feed"}) {
            router.get(stream).handler(auth.attach()).handler(guard.streams(config.connections().streamsPerUser()));
        }
        if (config.accessLog()) {
            router.route().handler(new AccessLog(new ClientAddress(config.trustedProxies())));
        }
        router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
        // One Origin check for every WebSocket endpoint outside the engine (which does its own).
        router.route().handler(new SameOrigin(config.allowedOrigins(), engine.config().path()));
        new HealthHandler(store, () -> draining).mount(router);
        auth.mount(router);
        video = new VideoRoutes(vertx, auth, config.videoStallTimeout());
        video.add(new VideoStream(VideoRoutes.DEFAULT, new TestPatternSource(VideoSettings.defaults())));
        if (config.videoFfmpeg() != null) {
            String[] nameAndInput = config.videoFfmpeg().split("=", 2);
            video.add(new VideoStream(nameAndInput[0], new FfmpegSource(nameAndInput[0], "ffmpeg",
                    java.util.List.of(nameAndInput[1].trim().split("\\s+")), VideoSettings.defaults())));
        }
        StaticAssets assets = new StaticAssets(vertx);
        video.mount(router, assets);
        audio = new AudioRoutes(vertx, auth);
        audio.add(new AudioStream(AudioRoutes.DEFAULT, new ToneSource(PcmFormat.defaults(), config.toneHz()),
                config.opusBitrate()));
        if (config.audioFfmpeg() != null) {
            String[] nameAndInput = config.audioFfmpeg().split("=", 2);
            audio.add(new AudioStream(nameAndInput[0], new FfmpegAudioSource(nameAndInput[0], "ffmpeg",
                    java.util.List.of(nameAndInput[1].trim().split("\\s+")), PcmFormat.defaults()), config.opusBitrate()));
        }
        if (mic != null) {
            audio.add(new AudioStream(config.audioMic().split("=", 2)[0], mic, config.opusBitrate()));
        }
        audio.mount(router, assets);
        new ChatRoutes(auth, config.guests()).mount(router, assets);
        new SseRoutes(sse, auth, config.guests()).mount(router);
        new FeedRoutes(feeds, auth, config.guests()).mount(router, assets);
        new GameRoutes(game, auth, config.guests()).mount(router, assets);
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

    /** {@code NAME=DEVICE[@RATE[/CHANNELS]]} (checked by the config) as a Java Sound source. */
    private static dev.nagare.media.audio.JavaSoundSource microphone(String spec) {
        String device = spec.split("=", 2)[1];
        int rate = 48_000;
        int channels = 1;
        int at = device.indexOf('@');
        if (at >= 0) {
            String[] f = device.substring(at + 1).split("/");
            rate = Integer.parseInt(f[0]);
            channels = f.length > 1 ? Integer.parseInt(f[1]) : 1;
            device = device.substring(0, at);
        }
        try {
            return dev.nagare.media.audio.JavaSoundSource.open(device, new PcmFormat(rate, channels));
        } catch (IllegalArgumentException e) {
            throw new StartupException("--audio-mic: " + e.getMessage(), e);
        }
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
                            + " Change it with: java -jar nagare.jar user passwd admin", password);
                } else {
                    LOG.info("Created the first account 'admin' with the password from NAGARE_ADMIN_PASSWORD");
                }
                return (Void) null;
            });
        });
    }

    private HttpServerOptions httpOptions() {
        HttpServerOptions options = new HttpServerOptions();
        if (config.tls()) {
            Path cert = config.tlsCert();
            Path key = config.tlsKey();
            if (config.tlsSelfSigned()) {
                try {
                    DevCertificate.PemFiles dev = DevCertificate.ensure(config.dataDir());
                    cert = dev.cert();
                    key = dev.key();
                } catch (java.io.IOException e) {
                    throw new StartupException("Cannot create the self-signed certificate: " + e.getMessage(), e);
                }
            }
            for (Path p : new Path[] {cert, key}) {
                if (!java.nio.file.Files.isReadable(p)) {
                    throw new StartupException("Cannot read " + p + " (from --tls-cert/--tls-key).", null);
                }
            }
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()))
                    // TLS 1.2 and later only.
                    .setEnabledSecureTransportProtocols(java.util.Set.of("TLSv1.2", "TLSv1.3"));
            TLS_CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
        }
        return options
                .setIdleTimeout((int) config.idleTimeout().toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setMaxInitialLineLength(4096)
                .setMaxHeaderSize(8192)
                .setMaxFormAttributeSize(8192)
                .setCompressionSupported(false) // static files are pre-compressed; streams must not be buffered
                // Vert.x accepts permessage-deflate by default and every browser offers it: each frame would
                // then be compressed per receiver. Off unless asked for, as in the reference server.
                .setPerMessageWebSocketCompressionSupported(config.websocketCompression())
                .setPerFrameWebSocketCompressionSupported(config.websocketCompression())
                .setMaxWebSocketFrameSize(config.maxPayload() + 16)
                .setMaxWebSocketMessageSize(config.maxPayload() + 16)
                // No HTTP/2 prior-knowledge detection: it delays the connection handler (ConnectionGuard)
                // until a client sends its first bytes, so silent connections would go uncounted.
                .setHttp2ClearTextEnabled(false)
                .setTcpNoDelay(true);
    }

    private <T> T await(Future<T> future, String what) {
        try {
            return future.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
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
        return "Cannot " + what + ": " + e;
    }

    private static void awaitQuietly(Future<?> future, long timeoutMillis, String what) {
        try {
            future.await(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("Could not {} cleanly: {}", what, e.toString());
        }
    }

    private void closeQuietly() {
        stopped = true;
        if (store != null) {
            awaitQuietly(store.close(), 10_000, "close the store");
        }
        awaitQuietly(vertx.close(), 10_000, "stop Vert.x");
    }
}
