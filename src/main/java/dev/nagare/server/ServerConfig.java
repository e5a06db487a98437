package dev.nagare.server;

import java.nio.file.Path;
import java.time.Duration;

/** The resolved, validated server settings. Build one with {@link ConfigResolver} or {@link #defaults()}. */
public record ServerConfig(
        String host,
        int port,
        Path dataDir,
        LogFormat logFormat,
        boolean accessLog,
        long maxBodyBytes,
        Duration idleTimeout,
        Duration shutdownTimeout) {

    public enum LogFormat { TEXT, JSON }

    /** The built-in defaults, exactly as an empty command line with no environment would give. */
    public static ServerConfig defaults() {
        return ConfigResolver.resolve(java.util.Map.of(), java.util.Map.of());
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dataDir, logFormat, accessLog, maxBodyBytes, idleTimeout,
                shutdownTimeout);
    }

    public ServerConfig withDataDir(Path newDataDir) {
        return new ServerConfig(host, port, newDataDir, logFormat, accessLog, maxBodyBytes, idleTimeout,
                shutdownTimeout);
    }
}
