package dev.nagare.sse;

import dev.nagare.wire.SseCodec;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every SSE channel, by name, and the heartbeat that keeps idle connections open through proxies.
 * Names are {@code [a-z0-9][a-z0-9:_.-]{0,63}}; feeds use {@code feed:<name>}. All state lives on the
 * home context; calls from other threads hop there.
 */
public final class SseChannels {
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9:_.-]{0,63}");
    static final long HEARTBEAT_MS = 15_000;
    static final int MAX_CHANNELS = 1_000;

    private final Context home;
    private final int maxEvents;
    private final long maxAgeMs;
    private final Map<String, SseChannel> channels = new LinkedHashMap<>(); // home context only
    private final byte[] heartbeat = SseCodec.bytes(SseCodec.comment("heartbeat"));

    public SseChannels(Context home, int maxEvents, long maxAgeMs) {
        this.home = home;
        this.maxEvents = maxEvents;
        this.maxAgeMs = maxAgeMs;
        home.runOnContext(v -> home.owner().setPeriodic(HEARTBEAT_MS, id -> beat()));
    }

    /** The channel, created on first use; empty when the name is invalid or too many channels exist. */
    public Optional<SseChannel> channel(String name) {
        SseChannel c = channels.get(name);
        if (c == null) {
            if (!NAME.matcher(name).matches() || channels.size() >= MAX_CHANNELS) {
                return Optional.empty();
            }
            c = new SseChannel(name, maxEvents, maxAgeMs, System.currentTimeMillis());
            channels.put(name, c);
        }
        return Optional.of(c);
    }

    /** The channel if it exists. */
    public Optional<SseChannel> existing(String name) {
        return Optional.ofNullable(channels.get(name));
    }

    /** Publishes from any thread; the event goes out on the home context. Completes with its id (-1: no channel). */
    public io.vertx.core.Future<Long> publish(String channel, String event, String data) {
        io.vertx.core.Promise<Long> id = io.vertx.core.Promise.promise();
        onHome(() -> id.complete(channel(channel).map(c -> c.publish(event, data, System.currentTimeMillis()).id())
                .orElse(-1L)));
        return id.future();
    }

    /** Runs {@code r} on the home context: now when already there, else as soon as it is free. */
    void onHome(Runnable r) {
        if (Vertx.currentContext() == home) {
            r.run();
        } else {
            home.runOnContext(v -> r.run());
        }
    }

    private void beat() {
        for (SseChannel c : channels.values()) {
            for (SseSubscriber s : new ArrayList<>(c.subscriberSet())) {
                s.write(heartbeat);
            }
        }
    }

    /** Channel names with their subscriber counts, for the API. */
    public List<Map<String, Object>> describe() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SseChannel c : channels.values()) {
            out.add(Map.of("name", c.name(), "subscribers", c.subscribers(), "lastId", c.lastId()));
        }
        return out;
    }
}
