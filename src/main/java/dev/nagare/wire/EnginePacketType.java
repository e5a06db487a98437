package dev.nagare.wire;

/** Engine.IO v4 packet types (engine.io-protocol README, "Packet"). */
public enum EnginePacketType {
    OPEN('0'), CLOSE('1'), PING('2'), PONG('3'), MESSAGE('4'), UPGRADE('5'), NOOP('6');

    private final char code;

    EnginePacketType(char code) {
        this.code = code;
    }

    public char code() {
        return code;
    }

    /** The type for a code character, or null when the character names no type. */
    public static EnginePacketType of(char c) {
        return c >= '0' && c <= '6' ? values()[c - '0'] : null;
    }
}
