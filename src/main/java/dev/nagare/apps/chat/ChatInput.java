package dev.nagare.apps.chat;

import dev.nagare.auth.Secrets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks and cleans what chat clients send. Everything here arrives from the network, so nothing is trusted. */
final class ChatInput {
    static final Pattern ROOM = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    private ChatInput() {
    }

    /** The event's first argument as an object, e.g. {@code {"room": "general"}}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(List<Object> args) {
        if (args.isEmpty() || !(args.get(0) instanceof Map<?, ?> m)) {
            throw new ChatRefusal("invalid", "Send one JSON object as the event's argument.");
        }
        return (Map<String, Object>) m;
    }

    static String room(Object raw) {
        if (raw instanceof String s && ROOM.matcher(s).matches()) {
            return s;
        }
        throw new ChatRefusal("invalid_room", "Room names are 1 to 32 characters: lower-case letters, digits, '-'"
                + " and '_', starting with a letter or digit.");
    }

    /**
     * Message text: a string of 1 to {@code max} characters once cleaned. Control characters other
     * than newline and tab are removed, CR LF becomes LF, lone surrogates become U+FFFD (they could
     * not be stored as UTF-8), and surrounding blanks are trimmed. HTML is kept as typed: pages
     * insert it as text, never as markup.
     */
    static String text(Object raw, int max) {
        if (!(raw instanceof String s)) {
            throw new ChatRefusal("invalid_text", "The message text must be a string.");
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append('\uFFFD');
            } else if (c == '\r') {
                if (i + 1 >= s.length() || s.charAt(i + 1) != '\n') {
                    b.append('\n');
                }
            } else if (c == '\n' || c == '\t' || !Character.isISOControl(c)) {
                b.append(c);
            }
        }
        String clean = b.toString().strip();
        if (clean.isEmpty()) {
            throw new ChatRefusal("invalid_text", "The message is empty.");
        }
        int length = clean.codePointCount(0, clean.length());
        if (length > max) {
            throw new ChatRefusal("too_long", "Messages are at most " + max + " characters; this one has " + length + ".");
        }
        return clean;
    }

    /** The client's own id for a message (absent: the server makes one, and retries cannot be recognised). */
    static String clientId(Object raw) {
        if (raw == null) {
            return Secrets.random(12);
        }
        if (raw instanceof String s && CLIENT_ID.matcher(s).matches()) {
            return s;
        }
        throw new ChatRefusal("invalid", "clientId must be 8 to 64 characters from A-Z a-z 0-9 - _.");
    }

    /** A message id: a positive integer. */
    static long id(Object raw, String field) {
        long id = optionalId(raw, field);
        if (id <= 0) {
            throw new ChatRefusal("invalid", field + " must be a positive integer message id.");
        }
        return id;
    }

    /** A message id, or 0 when absent (or given as 0: "from the start"). */
    static long optionalId(Object raw, String field) {
        if (raw == null) {
            return 0;
        }
        if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.longValue() >= 0
                && n.longValue() < (1L << 53)) {
            return n.longValue();
        }
        throw new ChatRefusal("invalid", field + " must be a positive integer message id.");
    }

    /** A page size from 1 to {@code max}; absent: {@code fallback}. */
    static int limit(Object raw, int fallback, int max) {
        if (raw == null) {
            return fallback;
        }
        if (raw instanceof Number n && n.intValue() >= 1 && n.intValue() <= max && n.doubleValue() == n.intValue()) {
            return n.intValue();
        }
        throw new ChatRefusal("invalid", "limit must be an integer from 1 to " + max + ".");
    }
}
