package dev.nagare.engine;

import dev.nagare.wire.EngineIoCodec;
import dev.nagare.wire.EnginePacket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;

/**
 * WebSocket transport: one frame per packet, text for text packets and binary for binary MESSAGE
 * packets (no type byte in v4). Writable while Netty's outbound buffer is under its high-water mark.
 */
final class WebSocketTransport implements Transport {
    private final ServerWebSocket ws;
    private boolean closed; // event-loop only

    WebSocketTransport(ServerWebSocket ws) {
        this.ws = ws;
    }

    @Override
    public String name() {
        return "websocket";
    }

    ServerWebSocket socket() {
        return ws;
    }

    @Override
    public boolean writable() {
        return !closed && !ws.isClosed() && !ws.writeQueueFull();
    }

    /**
     * Writes the packets. The peer may have closed the socket a moment ago (its close frame read
     * but our close handler not yet run): Vert.x then throws, and those packets are simply lost
     * with the connection, like any other in flight; the close handler follows.
     */
    @Override
    public void send(List<EnginePacket> packets) {
        if (closed) {
            return;
        }
        try {
            for (EnginePacket p : packets) {
                if (p.isBinary()) {
                    ws.writeBinaryMessage(Buffer.buffer(p.binary()));
                } else {
                    ws.writeTextMessage(EngineIoCodec.encodeText(p));
                }
            }
        } catch (IllegalStateException e) {
            closed = true;
        }
    }

    @Override
    public void close(EnginePacket packet) {
        if (closed) {
            return;
        }
        closed = true;
        ws.close();
    }

    void close(short code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        ws.close(code, reason);
    }

    boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }
}
