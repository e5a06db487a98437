package dev.nagare.apps.chat;

import dev.nagare.engine.TokenBucket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message-rate bucket per user, shared by all of the user's sockets and namespaces. The map keeps
 * the most recently active users only, so it cannot grow without bound. Event-loop only.
 */
final class UserRates {
    private static final int MAX_USERS = 100_000;

    private final double rate;
    private final Map<String, TokenBucket> buckets = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
            return size() > MAX_USERS;
        }
    };

    UserRates(double perSecond) {
        this.rate = perSecond;
    }

    /** Takes one message's worth from {@code user}'s bucket; refuses when it is empty. */
    void take(String user) {
        long now = System.nanoTime();
        if (!buckets.computeIfAbsent(user, u -> new TokenBucket(rate, 2 * rate, now)).tryTake(now)) {
            throw new ChatRefusal("rate_limited", "Slow down: at most " + fmt(rate) + " messages per second"
                    + " (bursts of " + fmt(2 * rate) + ").");
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
