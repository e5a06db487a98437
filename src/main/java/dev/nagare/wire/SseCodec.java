package dev.nagare.wire;

import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events, the text/event-stream format (WHATWG HTML, "Server-sent events", 9.2.5):
 *
 * <pre>
 * event: tick\n          optional; the type the page listens for (default "message")
 * id: 1732550400000001\n  optional; echoed back as Last-Event-ID on reconnect
 * data: first line\n     one "data:" line per line of the payload
 * data: second line\n
 * \n                     a blank line ends the event
 * : heartbeat\n\n        a comment, ignored by EventSource (keeps proxies from timing out)
 * retry: 3000\n\n        reconnection delay hint, ms
 * </pre>
 *
 * A payload line break may be CR LF, CR or LF; each becomes its own "data:" line, so no payload
 * can end an event early or inject a field. Event names and ids are single-line tokens: anything
 * with CR, LF or NUL is refused (an id with NUL would be ignored by the browser anyway).
 */
public final class SseCodec {
    private SseCodec() {
    }

    /** One event; {@code event} and {@code id} may be null. */
    public static String event(String event, String id, String data) {
        StringBuilder b = new StringBuilder(data.length() + 48);
        if (event != null) {
            b.append("event: ").append(token(event, "event")).append('\n');
        }
        if (id != null) {
            b.append("id: ").append(token(id, "id")).append('\n');
        }
        int start = 0;
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == '\r' || c == '\n') {
                b.append("data: ").append(data, start, i).append('\n');
                if (c == '\r' && i + 1 < data.length() && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        b.append("data: ").append(data, start, data.length()).append("\n\n");
        return b.toString();
    }

    /** A comment line (heartbeat); line breaks in {@code text} are replaced by spaces. */
    public static String comment(String text) {
        return ": " + text.replace('\r', ' ').replace('\n', ' ') + "\n\n";
    }

    public static String retry(long millis) {
        return "retry: " + millis + "\n\n";
    }

    public static byte[] bytes(String encoded) {
        return encoded.getBytes(StandardCharsets.UTF_8);
    }

    private static String token(String value, String field) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                throw new IllegalArgumentException("SSE " + field + " must be one line without NUL");
            }
        }
        return value;
    }
}
