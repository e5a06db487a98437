package dev.nagare.wire;

/** Socket.IO v5 packet types (socket.io-protocol README, "Packet types"). */
public enum SocketPacketType {
    CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK;

    public char code() {
        return (char) ('0' + ordinal());
    }

    /** The type for a code character, or null when the character names no type. */
    public static SocketPacketType of(char c) {
        return c >= '0' && c <= '6' ? values()[c - '0'] : null;
    }

    public boolean isBinary() {
        return this == BINARY_EVENT || this == BINARY_ACK;
    }
}
