package dev.nagare.engine;

import java.util.List;
import java.util.Set;

/**
 * Engine.IO server settings. Defaults follow the reference server (engine.io 6.x).
 *
 * @param allowedOrigins origins allowed for CORS and the WebSocket Origin check; empty means same
 *     origin only (the Origin's host:port must equal the Host header), {@code "*"} allows any
 * @param maxBufferedBytes bound of one session's outbound queue; a client that lets it fill up is
 *     disconnected ("slow client")
 * @param maxSessions most concurrent sessions; handshakes past it get 503
 * @param inboundRate messages per second a session may send (token bucket, burst of twice that);
 *     a client that floods past it is disconnected
 * @param connectRate handshakes per second one client address may make (burst of twice that)
 * @param writeWindowMs a WebSocket is flushed at most once per this many ms while packets keep
 *     coming: a connection receiving less often than that is flushed at once (no added latency);
 *     a busy one gets several frames per system call, at most this much later. 0: every event-loop turn
 * @param upgradeHoldMs once a polling session's upgrade WebSocket is accepted, what is queued for the
 *     pending poll is held until the client's probe arrives, at most this long, so that the probe's
 *     PONG reaches the client first and its next emits wait for the WebSocket (engine.io-client
 *     holds its sends from the PONG until the upgrade) instead of costing a POST and a poll. 0: off
 */
public record EngineConfig(
        String path,
        long pingIntervalMs,
        long pingTimeoutMs,
        int maxPayload,
        long upgradeTimeoutMs,
        Set<String> transports,
        List<String> allowedOrigins,
        long maxBufferedBytes,
        int maxSessions,
        int inboundRate,
        int connectRate,
        int writeWindowMs,
        long upgradeHoldMs) {

    public static EngineConfig defaults() {
        return new EngineConfig("/socket.io/", 25_000, 20_000, 1_000_000, 10_000,
                Set.of("polling", "websocket"), List.of(), 4L * 1024 * 1024, 100_000, 1_000, 1_000_000, 0, 50);
    }

    public EngineConfig withPath(String p) {
        return new EngineConfig(p, pingIntervalMs, pingTimeoutMs, maxPayload, upgradeTimeoutMs, transports,
                allowedOrigins, maxBufferedBytes, maxSessions, inboundRate, connectRate, writeWindowMs, upgradeHoldMs);
    }

    public EngineConfig withHeartbeat(long intervalMs, long timeoutMs) {
        return new EngineConfig(path, intervalMs, timeoutMs, maxPayload, upgradeTimeoutMs, transports,
                allowedOrigins, maxBufferedBytes, maxSessions, inboundRate, connectRate, writeWindowMs, upgradeHoldMs);
    }

    public EngineConfig withAllowedOrigins(List<String> origins) {
        return new EngineConfig(path, pingIntervalMs, pingTimeoutMs, maxPayload, upgradeTimeoutMs, transports,
                List.copyOf(origins), maxBufferedBytes, maxSessions, inboundRate, connectRate, writeWindowMs, upgradeHoldMs);
    }

    public EngineConfig withTransports(Set<String> t) {
        return new EngineConfig(path, pingIntervalMs, pingTimeoutMs, maxPayload, upgradeTimeoutMs, Set.copyOf(t),
                allowedOrigins, maxBufferedBytes, maxSessions, inboundRate, connectRate, writeWindowMs, upgradeHoldMs);
    }

    public EngineConfig withMaxPayload(int bytes) {
        return new EngineConfig(path, pingIntervalMs, pingTimeoutMs, bytes, upgradeTimeoutMs, transports,
                allowedOrigins, maxBufferedBytes, maxSessions, inboundRate, connectRate, writeWindowMs, upgradeHoldMs);
    }

    public EngineConfig withMaxSessions(int max) {
        return new EngineConfig(path, pingIntervalMs, pingTimeoutMs, maxPayload, upgradeTimeoutMs, transports,
                allowedOrigins, maxBufferedBytes, max, inboundRate, connectRate, writeWindowMs, upgradeHoldMs);
    }

    public EngineConfig withInboundRate(int messagesPerSecond) {
        return new EngineConfig(path, pingIntervalMs, pingTimeoutMs, maxPayload, upgradeTimeoutMs, transports,
                allowedOrigins, maxBufferedBytes, maxSessions, messagesPerSecond, connectRate, writeWindowMs, upgradeHoldMs);
    }

    public EngineConfig withConnectRate(int perSecond) {
        return new EngineConfig(path, pingIntervalMs, pingTimeoutMs, maxPayload, upgradeTimeoutMs, transports,
                allowedOrigins, maxBufferedBytes, maxSessions, inboundRate, perSecond, writeWindowMs, upgradeHoldMs);
    }

    public EngineConfig withWriteWindow(int ms) {
        return new EngineConfig(path, pingIntervalMs, pingTimeoutMs, maxPayload, upgradeTimeoutMs, transports,
                allowedOrigins, maxBufferedBytes, maxSessions, inboundRate, connectRate, ms, upgradeHoldMs);
    }

    public EngineConfig withMaxBufferedBytes(long bytes) {
        return new EngineConfig(path, pingIntervalMs, pingTimeoutMs, maxPayload, upgradeTimeoutMs, transports,
                allowedOrigins, bytes, maxSessions, inboundRate, connectRate, writeWindowMs, upgradeHoldMs);
    }

    public EngineConfig withUpgradeHold(long ms) {
        return new EngineConfig(path, pingIntervalMs, pingTimeoutMs, maxPayload, upgradeTimeoutMs, transports,
                allowedOrigins, maxBufferedBytes, maxSessions, inboundRate, connectRate, writeWindowMs, ms);
    }
}
