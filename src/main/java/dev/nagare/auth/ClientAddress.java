package dev.nagare.auth;

import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The client's address for throttling and logs. {@code X-Forwarded-For} is believed only when the
 * connection comes from a trusted proxy, and then only up to the first address that is not itself
 * a trusted proxy (reading from the right), so a client cannot forge its way past the limits.
 */
public final class ClientAddress {
    private static final Pattern IP = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final Set<String> trustedProxies;

    public ClientAddress(Set<String> trustedProxies) {
        this.trustedProxies = Set.copyOf(trustedProxies);
    }

    public String of(HttpServerRequest req) {
        String remote = req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress();
        return resolve(remote, req.headers().getAll("X-Forwarded-For"));
    }

    String resolve(String remote, List<String> forwardedFor) {
        if (!trustedProxies.contains(remote) || forwardedFor.isEmpty()) {
            return remote;
        }
        String[] hops = String.join(",", forwardedFor).split(",");
        String candidate = remote;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!IP.matcher(hop).matches()) {
                return candidate; // garbage: stop at the last address we could trust
            }
            candidate = hop;
            if (!trustedProxies.contains(hop)) {
                return hop;
            }
        }
        return candidate;
    }
}
