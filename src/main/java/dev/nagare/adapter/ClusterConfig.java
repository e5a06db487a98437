package dev.nagare.adapter;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How this node joins a cluster over Redis.
 *
 * @param url redis://HOST:PORT[/DB] or rediss:// for TLS; a user name may precede the host, never a password
 * @param password the Redis password (AUTH), or null
 * @param caFile PEM file of the authority that signed the Redis server's certificate (rediss://), or null
 *     for the JVM's trusted authorities
 * @param key the channel prefix; it must be the {@code key} option of the Node servers' adapter and
 *     emitter in the same cluster ({@code socket.io} for both by default)
 * @param requestsTimeout how long a request to the other nodes (fetchSockets) waits for every answer
 */
public record ClusterConfig(String url, String password, Path caFile, String key, Duration requestsTimeout) {
    public static final String DEFAULT_KEY = "socket.io";

    public ClusterConfig {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("use redis://HOST:PORT or rediss://HOST:PORT");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the URL names no host");
        }
        if (uri.getUserInfo() != null && uri.getUserInfo().contains(":")) {
            throw new IllegalArgumentException("put the password in NAGARE_CLUSTER_PASSWORD or"
                    + " --cluster-password-file, not in the URL (a URL is printed and logged)");
        }
        if (key == null || key.isBlank() || key.contains("#")) {
            throw new IllegalArgumentException("the channel prefix must be non-empty and hold no '#'");
        }
        if (requestsTimeout.isNegative() || requestsTimeout.isZero()) {
            throw new IllegalArgumentException("the requests timeout must be positive");
        }
    }

    public static ClusterConfig of(String url) {
        return new ClusterConfig(url, null, null, DEFAULT_KEY, Duration.ofSeconds(5));
    }

    public boolean tls() {
        return url.startsWith("rediss:");
    }

    /** The URL as it may be shown: it never holds a password (see the constructor). */
    @Override
    public String toString() {
        return url;
    }
}
