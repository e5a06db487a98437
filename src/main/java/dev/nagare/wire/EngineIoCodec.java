package dev.nagare.wire;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Engine.IO v4 packet and payload encoding.
 *
 * <pre>
 * packet (WebSocket text frame):  &lt;type digit&gt;&lt;data&gt;        e.g. "4hello", "2probe", "3"
 * packet (WebSocket binary frame): raw bytes of a MESSAGE      (no type byte in v4)
 * packet (WebSocket text frame, base64 mode): "b" &lt;base64&gt;    a binary MESSAGE from a client that
 *                                  cannot send binary frames (engine.io-client forceBase64, query b64=1)
 * payload (HTTP long-polling body): packet ␞ packet ␞ ...      separator U+001E
 *     text packet:   &lt;type digit&gt;&lt;data&gt;
 *     binary packet: "b" &lt;base64 of the bytes&gt;             (always a MESSAGE)
 * </pre>
 */
public final class EngineIoCodec {
    public static final char SEPARATOR = '\u001e';

    private EngineIoCodec() {
    }

    /** Encodes a text packet as a WebSocket text frame's content. */
    public static String encodeText(EnginePacket p) {
        String data = p.text();
        if (data == null || data.isEmpty()) {
            return String.valueOf(p.type().code());
        }
        return p.type().code() + data;
    }

    /** A binary packet in its text form, "b" + base64 (polling payloads; WebSocket text frames under b64=1). */
    public static String encodeBase64(EnginePacket p) {
        return "b" + Base64.getEncoder().encodeToString(p.binary());
    }

    /** Encodes packets as one long-polling payload. */
    public static String encodePayload(List<EnginePacket> packets) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < packets.size(); i++) {
            if (i > 0) {
                b.append(SEPARATOR);
            }
            EnginePacket p = packets.get(i);
            if (p.isBinary()) {
                b.append(encodeBase64(p));
            } else {
                b.append(p.type().code());
                if (p.text() != null) {
                    b.append(p.text());
                }
            }
        }
        return b.toString();
    }

    /**
     * Decodes a WebSocket text frame or one element of a polling payload. "b" + base64 is a binary
     * MESSAGE on both transports, as in the reference parser (engine.io-parser decodePacket).
     */
    public static EnginePacket decodeText(String frame) throws ProtocolException {
        if (frame.isEmpty()) {
            throw new ProtocolException("empty packet");
        }
        if (frame.charAt(0) == 'b') {
            try {
                return EnginePacket.binary(Base64.getDecoder().decode(frame.substring(1)));
            } catch (IllegalArgumentException e) {
                throw new ProtocolException("invalid base64 in binary packet");
            }
        }
        EnginePacketType type = EnginePacketType.of(frame.charAt(0));
        if (type == null) {
            throw new ProtocolException("unknown packet type '" + printable(frame.charAt(0)) + "'");
        }
        return EnginePacket.of(type, frame.substring(1));
    }

    /** Decodes a long-polling payload into its packets. */
    public static List<EnginePacket> decodePayload(String payload) throws ProtocolException {
        List<EnginePacket> packets = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = payload.indexOf(SEPARATOR, start);
            packets.add(decodeText(end < 0 ? payload.substring(start) : payload.substring(start, end)));
            if (end < 0) {
                return packets;
            }
            start = end + 1;
        }
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }
}
