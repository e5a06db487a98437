package dev.nagare.wire;

import java.nio.charset.StandardCharsets;

/**
 * One Engine.IO v4 packet. {@code text} is set for text packets (possibly empty); {@code binary}
 * only for binary MESSAGE packets. Immutable once built (callers must not mutate {@code binary}).
 */
public record EnginePacket(EnginePacketType type, String text, byte[] binary) {

    public static final EnginePacket PING = new EnginePacket(EnginePacketType.PING, "", null);
    public static final EnginePacket PONG = new EnginePacket(EnginePacketType.PONG, "", null);
    public static final EnginePacket CLOSE = new EnginePacket(EnginePacketType.CLOSE, "", null);
    public static final EnginePacket NOOP = new EnginePacket(EnginePacketType.NOOP, "", null);
    public static final EnginePacket UPGRADE = new EnginePacket(EnginePacketType.UPGRADE, "", null);

    public static EnginePacket of(EnginePacketType type, String text) {
        return new EnginePacket(type, text, null);
    }

    public static EnginePacket message(String text) {
        return new EnginePacket(EnginePacketType.MESSAGE, text, null);
    }

    public static EnginePacket binary(byte[] data) {
        return new EnginePacket(EnginePacketType.MESSAGE, null, data);
    }

    public boolean isBinary() {
        return binary != null;
    }

    /** Approximate size on the wire, for outbound buffer accounting. */
    public int wireSize() {
        return binary != null ? binary.length : 1 + text.length();
    }

    @Override
    public String toString() {
        return binary != null ? "binary(" + binary.length + ")"
                : type.code() + (text.length() > 60 ? text.substring(0, 60) + "…" : text);
    }

    /** UTF-8 size of a text packet's data; used to check maxPayload on text. */
    public int textBytes() {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
