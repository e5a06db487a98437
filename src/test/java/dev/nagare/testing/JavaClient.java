package dev.nagare.testing;

import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The official Java socket.io client, connected over WebSocket only, without reconnection, on a connection of its own. */
public final class JavaClient {
    private JavaClient() {
    }

    /** Connects to {@code url} (base URL plus namespace), with {@code token} as CONNECT auth if not null; awaits CONNECT. */
    public static Socket connect(String url, String token) throws Exception {
        var options = IO.Options.builder().setTransports(new String[] {"websocket"}).setReconnection(false).setForceNew(true);
        if (token != null) {
            options.setAuth(Map.of("token", token));
        }
        Socket s = IO.socket(URI.create(url), options.build());
        CompletableFuture<Void> connected = new CompletableFuture<>();
        s.on(Socket.EVENT_CONNECT, a -> connected.complete(null));
        s.connect();
        connected.get(10, TimeUnit.SECONDS);
        return s;
    }
}
