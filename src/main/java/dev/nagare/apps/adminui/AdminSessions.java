package dev.nagare.apps.adminui;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Admin UI's session ids: after a login with a password the UI gets one ({@code session} event)
 * and keeps it in localStorage, and on a page load it connects with {@code {sessionId}} instead of
 * asking again. Upstream keeps them in a set (or Redis) for a day, unbounded; here at most
 * {@code max} live ids (the oldest goes first) for at most {@code ttlMillis} each, and an id names
 * its account so that a reconnect is checked against the account as it is now. Kept on this node
 * only: in a cluster, a reload served by another node asks for the password again. Event-loop only.
 */
final class AdminSessions {
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Entry(String username, long expiresAt) {
    }

    private final int max;
    private final long ttlMillis;
    private final Map<String, Entry> byId = new LinkedHashMap<>(); // insertion order = age

    AdminSessions(int max, long ttlMillis) {
        this.max = max;
        this.ttlMillis = ttlMillis;
    }

    /** A new id for {@code username}: 32 hex characters (16 random bytes; upstream uses 8). */
    String create(String username, long now) {
        purge(now);
        while (byId.size() >= max) {
            Iterator<String> oldest = byId.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String id = HexFormat.of().formatHex(bytes);
        byId.put(id, new Entry(username, now + ttlMillis));
        return id;
    }

    /** The account {@code id} was issued to, or null when it is unknown or expired. */
    String username(String id, long now) {
        purge(now);
        Entry e = id == null ? null : byId.get(id);
        return e == null ? null : e.username();
    }

    /** Forgets every id of {@code username} (its account is gone or no longer an admin). */
    void forget(String username) {
        byId.values().removeIf(e -> e.username().equals(username));
    }

    int size() {
        return byId.size();
    }

    private void purge(long now) {
        // Every entry lives equally long, so the oldest expire first.
        Iterator<Entry> it = byId.values().iterator();
        while (it.hasNext() && it.next().expiresAt() <= now) {
            it.remove();
        }
    }
}
