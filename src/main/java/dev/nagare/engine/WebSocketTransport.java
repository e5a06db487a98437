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
        return !closed && !ws.writeQueueFull();
    }

    @Override
    public void send(List<EnginePacket> packets) {
        if (closed) {
            return;
        }
        for (EnginePacket p : packets) {
            if (p.isBinary()) {
                ws.writeBinaryMessage(Buffer.buffer(p.binary()));
            } else {
                ws.writeTextMessage(EngineIoCodec.encodeText(p));
            }
        }
    }

    /** Sends one pre-encoded text frame; used by broadcasts that encode once for many receivers. */
    void sendText(String frame) {
        if (!closed) {
            ws.writeTextMessage(frame);
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
