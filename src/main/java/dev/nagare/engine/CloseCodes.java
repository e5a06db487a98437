package dev.nagare.engine;

import java.nio.charset.StandardCharsets;

/** WebSocket close codes Nagare sends (RFC 6455 §7.4.1), and the reason text a close frame can carry. */
public final class CloseCodes {
    /** A deliberate close by the server (Socket.IO disconnect, connect timeout, ended access). */
    public static final int NORMAL = 1000;
    /** The server is shutting down. */
    public static final int GOING_AWAY = 1001;
    /** The client broke the Engine.IO or Socket.IO protocol. */
    public static final int PROTOCOL = 1002;
    /** The client broke a policy: a flood, a reader too slow for its queue, an unfinished packet. */
    public static final int POLICY = 1008;
    /** A message, or a packet with its attachments, over the size limit. */
    public static final int TOO_BIG = 1009;
    /** A server-wide budget is used up; the client may retry later. */
    public static final int TRY_AGAIN_LATER = 1013;

    private static final int MAX_REASON_BYTES = 123;

    private CloseCodes() {
    }

    /** {@code reason} cut to at most 123 UTF-8 bytes without splitting a character; printable ASCII kept, other controls dropped. */
    public static String reason(String reason) {
        if (reason == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isISOControl(cp)) {
                continue;
            }
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > MAX_REASON_BYTES) {
                break;
            }
            bytes += n;
            b.appendCodePoint(cp);
        }
        return b.toString();
    }
}
