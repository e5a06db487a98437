package dev.nagare.socketio;

/**
 * Socket.IO server settings. Defaults follow the reference server (socket.io 4.x).
 *
 * @param connectTimeoutMs close an Engine.IO session that joins no namespace in this time
 * @param recovery connection state recovery (Socket.IO 4.6 semantics); off by default, as upstream
 * @param maxDisconnectionMs how long a disconnected session can be recovered
 * @param recoveryPackets most broadcast packets kept per namespace for recovery
 * @param maxAttachments most binary attachments in one packet
 * @param ackTimeoutMs default timeout of {@code emitWithAck}
 */
public record SocketIoConfig(
        long connectTimeoutMs,
        boolean recovery,
        long maxDisconnectionMs,
        int recoveryPackets,
        int maxAttachments,
        long ackTimeoutMs) {

    public static SocketIoConfig defaults() {
        return new SocketIoConfig(45_000, false, 120_000, 10_000, 10, 10_000);
    }

    public SocketIoConfig withConnectTimeout(long ms) {
        return new SocketIoConfig(ms, recovery, maxDisconnectionMs, recoveryPackets, maxAttachments, ackTimeoutMs);
    }

    public SocketIoConfig withRecovery(boolean on, long maxDisconnection) {
        return new SocketIoConfig(connectTimeoutMs, on, maxDisconnection, recoveryPackets, maxAttachments, ackTimeoutMs);
    }
}
