package dev.nagare.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Brute-force throttling per client address and per account. The first {@code freeAttempts}
 * failures cost nothing; each further one doubles the lock-out (1 s, 2 s, 4 s ... up to 15 min).
 * A success clears the account's and the address's record. Bounded: the oldest entries go first.
 */
public final class LoginThrottle {
    private static final int MAX_KEYS = 100_000;
    private static final long MAX_LOCK_MS = 15 * 60_000;

    private record Entry(int failures, long lockedUntil) {
    }

    private final int freeAttempts;
    private final Map<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_KEYS;
        }
    };

    public LoginThrottle(int freeAttempts) {
        this.freeAttempts = freeAttempts;
    }

    /** Milliseconds until {@code ip} may try {@code username} again; 0 when it may now. */
    public synchronized long retryAfterMillis(String ip, String username, long now) {
        long wait = 0;
        for (String key : keys(ip, username)) {
            Entry e = entries.get(key);
            if (e != null && e.lockedUntil() > now) {
                wait = Math.max(wait, e.lockedUntil() - now);
            }
        }
        return wait;
    }

    public synchronized void failure(String ip, String username, long now) {
        for (String key : keys(ip, username)) {
            Entry e = entries.getOrDefault(key, new Entry(0, 0));
            int failures = e.failures() + 1;
            long lock = failures <= freeAttempts ? 0
                    : Math.min(MAX_LOCK_MS, 1000L << Math.min(20, failures - freeAttempts - 1));
            entries.put(key, new Entry(failures, lock == 0 ? 0 : now + lock));
        }
    }

    public synchronized void success(String ip, String username) {
        for (String key : keys(ip, username)) {
            entries.remove(key);
        }
    }

    private static String[] keys(String ip, String username) {
        return new String[] {"ip:" + ip, "user:" + (username == null ? "" : username.toLowerCase(java.util.Locale.ROOT))};
    }
}
