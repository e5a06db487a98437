package dev.nagare.wire;

import java.util.List;

/**
 * One Socket.IO v5 packet, decoded: binary attachments are already back in place inside
 * {@code data} as {@code byte[]}. {@code id} is -1 when the packet carries no ack id. {@code data}
 * is a {@code List} for EVENT/ACK, a {@code Map} (or null) for CONNECT, a {@code Map} for
 * CONNECT_ERROR and null for DISCONNECT. The type is never BINARY_*: binary-ness is a wire detail.
 */
public record SocketPacket(SocketPacketType type, String namespace, long id, Object data) {
    public static final long NO_ID = -1;

    public static SocketPacket event(String namespace, List<Object> eventAndArgs, long id) {
        return new SocketPacket(SocketPacketType.EVENT, namespace, id, eventAndArgs);
    }

    public static SocketPacket ack(String namespace, long id, List<Object> args) {
        return new SocketPacket(SocketPacketType.ACK, namespace, id, args);
    }

    public boolean hasId() {
        return id >= 0;
    }

    /** EVENT data as a list: element 0 is the event name. */
    @SuppressWarnings("unchecked")
    public List<Object> list() {
        return (List<Object>) data;
    }
}
