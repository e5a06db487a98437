package dev.nagare.engine;

import java.util.Map;

/**
 * What the engine has carried since it started: packets and their size on the wire in each direction
 * (text packets counted in characters), and sessions ended, by reason (the engine's own few:
 * {@code transport close}, {@code transport error}, {@code ping timeout}, {@code parse error},
 * {@code server close}) and WebSocket close code (1000 normal, 1001 going away, 1002 protocol error,
 * 1008 policy: a flood or a slow reader, 1009 too big, 1013 try later). Plain fields: they are
 * written and read only on the engine's event loop (a scrape reads them there), where a packet's
 * cost must stay a few additions. Handshakes refused, by reason ({@code origin}, {@code rate},
 * {@code cap}: sessions at their maximum, {@code admission}: the embedder's check said no), may be
 * counted on any thread (an admission verdict comes on the thread that made it).
 */
public final class EngineStats {
    long packetsIn;
    long bytesIn;
    long packetsOut;
    long bytesOut;
    private final Map<Close, long[]> closes = new java.util.HashMap<>();
    private final Map<String, java.util.concurrent.atomic.LongAdder> refusals = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile java.util.function.BiConsumer<String, String> refusalListener = (reason, address) -> { };

    void refused(String reason, String address) {
        refusals.computeIfAbsent(reason, r -> new java.util.concurrent.atomic.LongAdder()).increment();
        refusalListener.accept(reason, address);
    }

    /** Also tells {@code listener} of each refused handshake: its reason and the client's address. */
    public void onRefusal(java.util.function.BiConsumer<String, String> listener) {
        this.refusalListener = listener;
    }

    /** Handshakes refused so far, by reason (a fixed few, each listed from the start). */
    public Map<String, Long> refusals() {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (String r : new String[] {"origin", "rate", "cap", "admission"}) {
            out.put(r, 0L);
        }
        refusals.forEach((r, n) -> out.put(r, n.sum()));
        return out;
    }

    /** One kind of session end. */
    public record Close(String reason, int code) {
    }

    void closed(String reason, int code) {
        closes.computeIfAbsent(new Close(reason, code), c -> new long[1])[0]++;
    }

    public long packetsIn() {
        return packetsIn;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long packetsOut() {
        return packetsOut;
    }

    public long bytesOut() {
        return bytesOut;
    }

    /** Sessions closed so far, by reason and code (a handful of each, all chosen in code). */
    public Map<Close, Long> closes() {
        Map<Close, Long> out = new java.util.HashMap<>();
        closes.forEach((close, n) -> out.put(close, n[0]));
        return out;
    }
}
