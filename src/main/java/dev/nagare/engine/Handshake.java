package dev.nagare.engine;

import java.util.List;
import java.util.Map;

/**
 * What the client presented when the session opened, frozen: Socket.IO exposes it as
 * {@code socket.handshake}. Header names are lower-case.
 */
public record Handshake(
        Map<String, List<String>> headers,
        Map<String, List<String>> query,
        String remoteAddress,
        String url,
        boolean secure,
        long issuedAt) {

    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public String queryParam(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
