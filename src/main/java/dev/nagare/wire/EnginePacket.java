package dev.nagare.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One Engine.IO v4 packet. {@code text} is set for text packets (possibly empty); {@code binary}
 * only for binary MESSAGE packets. Immutable: callers must not mutate {@code binary}. A packet
 * broadcast to many receivers is built once; {@link #textFrame()} memoises its encoded WebSocket
 * frame so the bytes are produced once and shared by every receiver.
 */
public final class EnginePacket {
    public static final EnginePacket PING = new EnginePacket(EnginePacketType.PING, "", null);
    public static final EnginePacket PONG = new EnginePacket(EnginePacketType.PONG, "", null);
    public static final EnginePacket CLOSE = new EnginePacket(EnginePacketType.CLOSE, "", null);
    public static final EnginePacket NOOP = new EnginePacket(EnginePacketType.NOOP, "", null);
    public static final EnginePacket UPGRADE = new EnginePacket(EnginePacketType.UPGRADE, "", null);

    private final EnginePacketType type;
    private final String text;
    private final byte[] binary;
    private volatile byte[] textFrame; // memoised UTF-8 of EngineIoCodec.encodeText(this)
    private volatile byte[] webSocketFrame; // memoised whole server-to-client WebSocket frame

    public EnginePacket(EnginePacketType type, String text, byte[] binary) {
        this.type = Objects.requireNonNull(type);
        this.text = text;
        this.binary = binary;
    }

    public static EnginePacket of(EnginePacketType type, String text) {
        return new EnginePacket(type, text, null);
    }

    public static EnginePacket message(String text) {
        return new EnginePacket(EnginePacketType.MESSAGE, text, null);
    }

    public static EnginePacket binary(byte[] data) {
        return new EnginePacket(EnginePacketType.MESSAGE, null, data);
    }

    public EnginePacketType type() {
        return type;
    }

    public String text() {
        return text;
    }

    public byte[] binary() {
        return binary;
    }

    public boolean isBinary() {
        return binary != null;
    }

    /** The UTF-8 bytes of this text packet as a WebSocket text frame ("4hello"), computed once. */
    public byte[] textFrame() {
        byte[] f = textFrame;
        if (f == null) {
            f = EngineIoCodec.encodeText(this).getBytes(StandardCharsets.UTF_8);
            textFrame = f;
        }
        return f;
    }

    /**
     * This packet as one whole WebSocket frame from a server (RFC 6455 §5.2: FIN, opcode text or
     * binary, unmasked, the shortest length encoding, then the payload), computed once: a broadcast
     * frames its bytes once and every receiver's connection writes the same array.
     */
    public byte[] webSocketFrame() {
        byte[] f = webSocketFrame;
        if (f == null) {
            byte[] payload = binary != null ? binary : textFrame();
            int n = payload.length;
            int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
            f = new byte[header + n];
            f[0] = (byte) (0x80 | (binary != null ? 0x2 : 0x1));
            if (n < 126) {
                f[1] = (byte) n;
            } else if (n <= 0xFFFF) {
                f[1] = 126;
                f[2] = (byte) (n >>> 8);
                f[3] = (byte) n;
            } else {
                f[1] = 127;
                long len = n;
                for (int i = 0; i < 8; i++) {
                    f[2 + i] = (byte) (len >>> (56 - 8 * i));
                }
            }
            System.arraycopy(payload, 0, f, header, n);
            webSocketFrame = f;
        }
        return f;
    }

    /** Approximate size on the wire, for outbound buffer accounting. */
    public int wireSize() {
        return binary != null ? binary.length : 1 + text.length();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnginePacket p && p.type == type && Objects.equals(p.text, text)
                && Arrays.equals(p.binary, binary);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, text, Arrays.hashCode(binary));
    }

    @Override
    public String toString() {
        return binary != null ? "binary(" + binary.length + ")"
                : type.code() + (text.length() > 60 ? text.substring(0, 60) + "…" : text);
    }
}
