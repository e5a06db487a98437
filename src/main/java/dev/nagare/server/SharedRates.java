package dev.nagare.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nagare.adapter.RedisLink;
import dev.nagare.auth.KeyedRates;
import dev.nagare.auth.RateSharing;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Per-user rate limits across the nodes of a cluster ({@link RateSharing} over Redis): what each
 * shared limiter let through is counted per key and published every {@value #EVERY_MS} ms on
 * {@code <key>-nagare#rates#}; the other nodes take as many tokens from the same key's bucket. A
 * user spread over the nodes is held to the rate of one, give or take what one node lets through
 * in {@value #EVERY_MS} ms.
 *
 * <pre>
 *   {"n": node, "r": {"chat.messages": {"alice": 3, "bob": 1}, "sse.publish": {...}}}
 * </pre>
 */
final class SharedRates implements RateSharing {
    static final long EVERY_MS = 100;
    /** Keys counted per limiter and round (the first ones seen); the table cannot grow past it. */
    private static final int MAX_KEYS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Shared(KeyedRates rates, Context owner) {
    }

    private final String node = HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
    private final Vertx vertx;
    private final RedisLink link;
    private final String channel;
    private final Consumer<byte[]> onMessage = this::received;
    private final Map<String, Shared> shared = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Integer>> taken = new HashMap<>(); // guarded by this
    private final long timer;

    SharedRates(Vertx vertx, RedisLink link) {
        this.vertx = vertx;
        this.link = link;
        this.channel = link.config().key() + "-nagare#rates#";
        link.subscribe(channel, onMessage);
        this.timer = vertx.setPeriodic(EVERY_MS, t -> flush());
    }

    @Override
    public void share(String name, KeyedRates rates) {
        Context owner = Vertx.currentContext();
        shared.put(name, new Shared(rates, owner != null ? owner : vertx.getOrCreateContext()));
        rates.onTaken(key -> took(name, key));
    }

    private synchronized void took(String name, String key) {
        Map<String, Integer> keys = taken.computeIfAbsent(name, n -> new HashMap<>());
        if (keys.size() < MAX_KEYS || keys.containsKey(key)) {
            keys.merge(key, 1, Integer::sum);
        }
    }

    private void flush() {
        Map<String, Map<String, Integer>> round;
        synchronized (this) {
            if (taken.isEmpty()) {
                return;
            }
            round = new LinkedHashMap<>(taken);
            taken.clear();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", node);
        m.put("r", round);
        try {
            link.publish(channel, JSON.writeValueAsBytes(m));
        } catch (IOException e) {
            link.warn("rate counts could not be shared: " + e);
        }
    }

    private void received(byte[] bytes) {
        try {
            Map<?, ?> m = JSON.readValue(bytes, Map.class);
            if (node.equals(m.get("n")) || !(m.get("r") instanceof Map<?, ?> round)) {
                return;
            }
            round.forEach((name, keys) -> {
                Shared s = shared.get(String.valueOf(name));
                if (s != null && keys instanceof Map<?, ?> counts) {
                    s.owner().runOnContext(v -> counts.forEach((key, count) -> {
                        if (key instanceof String k && k.length() <= 256 && count instanceof Number n && n.intValue() > 0) {
                            s.rates().takenElsewhere(k, n.intValue());
                        }
                    }));
                }
            });
        } catch (IOException | RuntimeException e) {
            link.warn("shared rate counts were dropped: " + e.getMessage());
        }
    }

    void close() {
        vertx.cancelTimer(timer);
        link.unsubscribe(channel, onMessage);
        shared.values().forEach(s -> s.rates().onTaken(key -> { }));
    }
}
