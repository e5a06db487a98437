package dev.nagare.server;

import java.nio.file.Path;
import dev.nagare.adapter.ClusterConfig;
import dev.nagare.auth.jwt.JwtConfig;
import dev.nagare.hooks.HookConfig;
import dev.nagare.apps.chat.ChatConfig;
import dev.nagare.apps.feed.FeedConfig;
import dev.nagare.apps.feed.FeedSpec;
import dev.nagare.apps.game.GameConfig;
import dev.nagare.engine.EngineConfig;
import dev.nagare.sse.SseConfig;
import dev.nagare.media.FfmpegInput;
import dev.nagare.media.video.VideoConfig;
import dev.nagare.media.audio.EncoderConfig;
import dev.nagare.media.audio.MicSpec;
import dev.nagare.store.StoreConfig;
import java.util.Set;
import java.time.Duration;
import java.util.List;

/** The resolved, validated server settings. Build one with {@link ConfigResolver} or {@link #defaults()}. */
public record ServerConfig(
        String host,
        int port,
        Path dataDir,
        LogFormat logFormat,
        boolean accessLog,
        long maxBodyBytes,
        Duration idleTimeout,
        Duration shutdownTimeout,
        Duration drainDelay,
        List<String> allowedOrigins,
        long pingIntervalMs,
        long pingTimeoutMs,
        int maxPayload,
        int maxConnections,
        int maxMessageRate,
        boolean registrationOpen,
        boolean guests,
        String adminPassword,
        Path tlsCert,
        Path tlsKey,
        boolean tlsSelfSigned,
        Integer httpRedirectPort,
        java.util.Set<String> trustedProxies,
        int connectRate,
        int writeWindowMs,
        boolean websocketCompression,
        int upgradeHoldMs,
        VideoConfig video,
        FfmpegInput audioFfmpeg,
        ChatConfig chat,
        List<FeedSpec> feeds,
        GameConfig game,
        MicSpec audioMic,
        int opusBitrate,
        int toneHz,
        ConnectionLimits connections,
        SseConfig sse,
        FeedConfig feedLimits,
        Duration videoStallTimeout,
        StoreConfig store,
        ClusterConfig cluster,
        Set<String> apps,
        boolean adminUi,
        JwtConfig jwt,
        HookConfig hooks,
        Set<String> publicStreams,
        EncoderConfig audioEncoders,
        Management management,
        int eventLoops) {

    /** The same settings accepting the JWTs {@code newJwt} describes (null: none). */
    public ServerConfig withJwt(JwtConfig newJwt) {
        return new ServerConfig(host, port, dataDir, logFormat, accessLog, maxBodyBytes, idleTimeout,
                shutdownTimeout, drainDelay, allowedOrigins, pingIntervalMs, pingTimeoutMs, maxPayload, maxConnections, maxMessageRate, registrationOpen, guests, adminPassword, tlsCert, tlsKey, tlsSelfSigned, httpRedirectPort, trustedProxies, connectRate, writeWindowMs, websocketCompression, upgradeHoldMs, video, audioFfmpeg, chat, feeds, game, audioMic, opusBitrate, toneHz, connections, sse, feedLimits, videoStallTimeout, store, cluster, apps, adminUi, newJwt, hooks, publicStreams, audioEncoders, management, eventLoops);
    }

    /** Whether anyone may read {@code stream} ({@code video/NAME} or {@code audio/NAME}) without a login. */
    public boolean publicStream(String stream) {
        return publicStreams.contains(stream);
    }

    /**
     * Limits on connections of every kind (see {@link ConnectionGuard}).
     *
     * @param maxTcp global cap; 0 derives it from the open-file limit
     * @param perAddress per client address; 0 for none
     * @param firstRequest time a new connection has to send its first request head
     * @param streamsPerUser long-lived HTTP streams per account; 0 for none
     */
    public record ConnectionLimits(int maxTcp, int perAddress, Duration firstRequest, int streamsPerUser) {
    }

    /**
     * The management port ({@code --management-port}): health and metrics on an event loop of their own.
     *
     * @param port the port; 0 picks a free one
     * @param host the interface; on a loopback address /metrics asks for no token
     */
    public record Management(int port, String host) {
        /** Whether only this machine can reach it. */
        public boolean loopback() {
            return "localhost".equals(host) || host.startsWith("127.") || "::1".equals(host);
        }
    }

    /** True when the server speaks HTTPS (and WSS). */
    public boolean tls() {
        return tlsCert != null || tlsSelfSigned;
    }

    public enum LogFormat { TEXT, JSON }

    /** The built-in defaults, exactly as an empty command line with no environment would give. */
    public static ServerConfig defaults() {
        return ConfigResolver.resolve(java.util.Map.of(), java.util.Map.of());
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dataDir, logFormat, accessLog, maxBodyBytes, idleTimeout,
                shutdownTimeout, drainDelay, allowedOrigins, pingIntervalMs, pingTimeoutMs, maxPayload, maxConnections, maxMessageRate, registrationOpen, guests, adminPassword, tlsCert, tlsKey, tlsSelfSigned, httpRedirectPort, trustedProxies, connectRate, writeWindowMs, websocketCompression, upgradeHoldMs, video, audioFfmpeg, chat, feeds, game, audioMic, opusBitrate, toneHz, connections, sse, feedLimits, videoStallTimeout, store, cluster, apps, adminUi, jwt, hooks, publicStreams, audioEncoders, management, eventLoops);
    }

    /**
     * The same settings running the modules {@code names} (from {@link Modules#names()}); null: none
     * named, which the command line takes as all of them and an embedding server as none.
     */
    public ServerConfig withApps(Set<String> names) {
        return new ServerConfig(host, port, dataDir, logFormat, accessLog, maxBodyBytes, idleTimeout,
                shutdownTimeout, drainDelay, allowedOrigins, pingIntervalMs, pingTimeoutMs, maxPayload, maxConnections, maxMessageRate, registrationOpen, guests, adminPassword, tlsCert, tlsKey, tlsSelfSigned, httpRedirectPort, trustedProxies, connectRate, writeWindowMs, websocketCompression, upgradeHoldMs, video, audioFfmpeg, chat, feeds, game, audioMic, opusBitrate, toneHz, connections, sse, feedLimits, videoStallTimeout, store, cluster,
                names == null ? null : java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(names)), adminUi, jwt, hooks, publicStreams, audioEncoders, management, eventLoops);
    }

    /** The modules to run when started from the command line: those named, or all. */
    public ServerConfig withAllAppsUnlessNamed() {
        return apps != null ? this : withApps(new java.util.LinkedHashSet<>(Modules.names()));
    }

    public ServerConfig withDataDir(Path newDataDir) {
        return new ServerConfig(host, port, newDataDir, logFormat, accessLog, maxBodyBytes, idleTimeout,
                shutdownTimeout, drainDelay, allowedOrigins, pingIntervalMs, pingTimeoutMs, maxPayload, maxConnections, maxMessageRate, registrationOpen, guests, adminPassword, tlsCert, tlsKey, tlsSelfSigned, httpRedirectPort, trustedProxies, connectRate, writeWindowMs, websocketCompression, upgradeHoldMs, video, audioFfmpeg, chat, feeds, game, audioMic, opusBitrate, toneHz, connections, sse, feedLimits, videoStallTimeout,
                store.kind() == StoreConfig.Kind.SQLITE
                        ? new StoreConfig(StoreConfig.Kind.SQLITE, newDataDir, null, null, store.password(), store.poolSize())
                        : store, cluster, apps, adminUi, jwt, hooks, publicStreams, audioEncoders, management, eventLoops);
    }

    /** The same settings on the store {@code newStore}. */
    public ServerConfig withStore(StoreConfig newStore) {
        return new ServerConfig(host, port, dataDir, logFormat, accessLog, maxBodyBytes, idleTimeout,
                shutdownTimeout, drainDelay, allowedOrigins, pingIntervalMs, pingTimeoutMs, maxPayload, maxConnections, maxMessageRate, registrationOpen, guests, adminPassword, tlsCert, tlsKey, tlsSelfSigned, httpRedirectPort, trustedProxies, connectRate, writeWindowMs, websocketCompression, upgradeHoldMs, video, audioFfmpeg, chat, feeds, game, audioMic, opusBitrate, toneHz, connections, sse, feedLimits, videoStallTimeout, newStore, cluster, apps, adminUi, jwt, hooks, publicStreams, audioEncoders, management, eventLoops);
    }

    /** The same settings as a node of the cluster {@code newCluster} (null: a single node). */
    public ServerConfig withCluster(ClusterConfig newCluster) {
        return new ServerConfig(host, port, dataDir, logFormat, accessLog, maxBodyBytes, idleTimeout,
                shutdownTimeout, drainDelay, allowedOrigins, pingIntervalMs, pingTimeoutMs, maxPayload, maxConnections, maxMessageRate, registrationOpen, guests, adminPassword, tlsCert, tlsKey, tlsSelfSigned, httpRedirectPort, trustedProxies, connectRate, writeWindowMs, websocketCompression, upgradeHoldMs, video, audioFfmpeg, chat, feeds, game, audioMic, opusBitrate, toneHz, connections, sse, feedLimits, videoStallTimeout, store, newCluster, apps, adminUi, jwt, hooks, publicStreams, audioEncoders, management, eventLoops);
    }

    /** The same settings serving the main port from {@code loops} event loops (at least 1). */
    public ServerConfig withEventLoops(int loops) {
        return new ServerConfig(host, port, dataDir, logFormat, accessLog, maxBodyBytes, idleTimeout,
                shutdownTimeout, drainDelay, allowedOrigins, pingIntervalMs, pingTimeoutMs, maxPayload, maxConnections, maxMessageRate, registrationOpen, guests, adminPassword, tlsCert, tlsKey, tlsSelfSigned, httpRedirectPort, trustedProxies, connectRate, writeWindowMs, websocketCompression, upgradeHoldMs, video, audioFfmpeg, chat, feeds, game, audioMic, opusBitrate, toneHz, connections, sse, feedLimits, videoStallTimeout, store, cluster, apps, adminUi, jwt, hooks, publicStreams, audioEncoders, management,
                Math.max(1, loops));
    }

    @Override
    public String toString() {
        // Never print the admin password.
        return "ServerConfig[host=" + host + ", port=" + port + ", dataDir=" + dataDir + "]";
    }

    /** The Engine.IO settings these server settings imply. */
    public EngineConfig engine() {
        return EngineConfig.defaults()
                .withHeartbeat(pingIntervalMs, pingTimeoutMs)
                .withMaxPayload(maxPayload)
                .withAllowedOrigins(allowedOrigins)
                .withMaxSessions(maxConnections)
                .withInboundRate(maxMessageRate)
                .withConnectRate(connectRate)
                .withWriteWindow(writeWindowMs)
                .withUpgradeHold(upgradeHoldMs);
    }
}
