package dev.nagare.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per key (a user name, an address): {@code rate} per second, bursts of twice that.
 * Only the most recently active keys are kept, so the map cannot grow without bound. Thread-safe
 * (a lock around the table): the routes that use it run on whichever event loop serves the request.
 *
 * <p>Its bucket is its own rather than the engine's {@code TokenBucket}: the auth core sits beside
 * the transports and must not depend on the Engine.IO layer (see {@code LayeringTest}).
 */
public final class KeyedRates {
    private static final int MAX_KEYS = 100_000;

    private final double rate;
    private volatile java.util.function.Consumer<String> onTaken = key -> { };
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(256, 0.75f, true) { // guarded by this
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_KEYS;
        }
    };

    public KeyedRates(double perSecond) {
        this.rate = perSecond;
    }

    public double rate() {
        return rate;
    }

    /** Takes one token from {@code key}'s bucket; false when it is empty. */
    public synchronized boolean tryTake(String key) {
        long now = System.nanoTime();
        boolean taken = buckets.computeIfAbsent(key, k -> new Bucket(now)).tryTake(now);
        if (taken) {
            onTaken.accept(key);
        }
        return taken;
    }

    /** Whole tokens in {@code key}'s bucket now (a full bucket for a key never seen). */
    public synchronized int available(String key) {
        long now = System.nanoTime();
        Bucket b = buckets.get(key);
        if (b == null) {
            return (int) (2 * rate);
        }
        b.refill(now);
        return (int) b.tokens;
    }

    /** Tells {@code listener} each key a token was taken for (a cluster's {@link RateSharing}). */
    public void onTaken(java.util.function.Consumer<String> listener) {
        this.onTaken = listener;
    }

    /** Takes {@code count} tokens other nodes took for {@code key}: its bucket may run empty, not below. */
    public synchronized void takenElsewhere(String key, int count) {
        long now = System.nanoTime();
        buckets.computeIfAbsent(key, k -> new Bucket(now)).takeUpTo(now, count);
    }

    /** "at most 5 messages per second (bursts of 10)" */
    public String describe(String what) {
        return "at most " + fmt(rate) + " " + what + " per second (bursts of " + fmt(2 * rate) + ")";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    /** Starts full; refills at {@code rate} per second, holding at most twice that. */
    private final class Bucket {
        private double tokens;
        private long at;

        Bucket(long nowNanos) {
            this.tokens = 2 * rate;
            this.at = nowNanos;
        }

        boolean tryTake(long nowNanos) {
            refill(nowNanos);
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        void takeUpTo(long nowNanos, int count) {
            refill(nowNanos);
            tokens = Math.max(0, tokens - count);
        }

        private void refill(long nowNanos) {
            tokens = Math.min(2 * rate, tokens + (nowNanos - at) * 1e-9 * rate);
            at = nowNanos;
        }
    }
}
