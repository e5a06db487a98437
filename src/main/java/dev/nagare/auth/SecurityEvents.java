package dev.nagare.auth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last {@value #KEPT} security events of this node, for the admin console: failed and throttled
 * logins, refused handshakes (origin, rate, cap, admission). A flood keeps only the newest; each
 * text is cut to {@value #MAX_TEXT} characters, since names and addresses come from clients.
 * Thread-safe.
 */
public final class SecurityEvents {
    public static final int KEPT = 500;
    static final int MAX_TEXT = 80;

    /** One event: when, what, from which address, about what (an account name, a reason). */
    public record Event(long at, String kind, String address, String detail) {
    }

    private final Deque<Event> events = new ArrayDeque<>();

    public void record(String kind, String address, String detail) {
        Event e = new Event(System.currentTimeMillis(), cut(kind), cut(address), cut(detail));
        synchronized (events) {
            events.addFirst(e);
            while (events.size() > KEPT) {
                events.removeLast();
            }
        }
    }

    /** Newest first. */
    public List<Event> recent() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    private static String cut(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
    }
}
