package dev.nagare.chaos;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare Engine.IO/Socket.IO client over WebSocket that writes whatever it is told (hostile frames
 * included), answers pings, and records text frames and how the server closed it.
 */
final class RawSocketIo implements AutoCloseable {
    final ClientWebSocket ws;
    final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private RawSocketIo(ClientWebSocket ws) {
        this.ws = ws;
    }

    /** Opens a WebSocket session and joins {@code namespace} with {@code token}; null if refused. */
    static RawSocketIo join(WebSocketClient client, int port, String namespace, String token) throws Exception {
        ClientWebSocket ws = client.webSocket();
        RawSocketIo c = new RawSocketIo(ws);
        ws.textMessageHandler(text -> {
            if (text.equals("2")) {
                ws.writeTextMessage("3");
            } else {
                c.frames.add(text);
            }
        });
        ws.binaryMessageHandler(b -> { });
        ws.closeHandler(v -> c.closed.complete((int) (ws.closeStatusCode() == null ? -1 : ws.closeStatusCode())));
        ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/socket.io/?EIO=4&transport=websocket")).await(10, TimeUnit.SECONDS);
        String open = c.frames.poll(10, TimeUnit.SECONDS);
        if (open == null || !open.startsWith("0{")) {
            c.close();
            return null;
        }
        String prefix = namespace.equals("/") ? "" : namespace + ",";
        ws.writeTextMessage("40" + prefix + "{\"token\":\"" + token + "\"}");
        String reply = c.frames.poll(10, TimeUnit.SECONDS);
        if (reply == null || !reply.startsWith("40")) {
            c.close();
            return null;
        }
        return c;
    }

    void send(String text) {
        if (!ws.isClosed()) {
            ws.writeTextMessage(text);
        }
    }

    void sendBinary(byte[] bytes) {
        if (!ws.isClosed()) {
            ws.writeBinaryMessage(Buffer.buffer(bytes));
        }
    }

    boolean isClosed() {
        return ws.isClosed();
    }

    @Override
    public void close() {
        if (!ws.isClosed()) {
            ws.close();
        }
    }

    static WebSocketClient client(Vertx vertx) {
        return vertx.createWebSocketClient();
    }
}
