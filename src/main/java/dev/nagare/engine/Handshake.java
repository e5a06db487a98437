package dev.nagare.engine;

import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /**
     * Lower-case header names seen so far, shared by every handshake: each session otherwise keeps
     * its own lower-case copy of each name its client capitalised ({@code Sec-WebSocket-Key}...),
     * some 300 bytes per idle session (issue #21). Bounded, as clients choose the names: past the
     * bound a name is kept per session, as before.
     */
    private static final Map<String, String> NAMES = new ConcurrentHashMap<>();
    private static final int MAX_NAMES = 512;

    /** The handshake of {@code req}: its headers, query parameters and address, copied now. */
    static Handshake of(HttpServerRequest req) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        req.headers().forEach(e -> headers.computeIfAbsent(name(e.getKey()), k -> new ArrayList<>(1)).add(e.getValue()));
        Map<String, List<String>> query = new LinkedHashMap<>();
        req.params().forEach(e -> query.computeIfAbsent(e.getKey(), k -> new ArrayList<>(1)).add(e.getValue()));
        headers.replaceAll((k, v) -> List.copyOf(v));
        query.replaceAll((k, v) -> List.copyOf(v));
        return new Handshake(Map.copyOf(headers), Map.copyOf(query),
                req.remoteAddress() == null ? "" : req.remoteAddress().hostAddress(),
                req.uri(), req.isSSL(), System.currentTimeMillis());
    }

    private static String name(String raw) {
        String lower = raw.toLowerCase(Locale.ROOT);
        String shared = NAMES.get(lower);
        if (shared != null) {
            return shared;
        }
        if (NAMES.size() >= MAX_NAMES) {
            return lower;
        }
        shared = NAMES.putIfAbsent(lower, lower);
        return shared != null ? shared : lower;
    }

    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public String queryParam(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
