package dev.nagare.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.TestServer;
import dev.nagare.wire.EnginePacket;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole server as shipped puts its engine WebSockets on the fast path: a session's frames go
 * straight to the Netty channel, whole, below the frame encoder. Fails if the server stops serving
 * through {@link NettyChannels#routed} or a Vert.x upgrade closes that route.
 */
class ShippedFastPathTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private final Vertx vertx = Vertx.vertx();
    private final WebSocketClient client = vertx.createWebSocketClient(); // held: Vert.x 5 closes unreferenced clients

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void anEngineWebSocketOnTheShippedServerWritesWholeFramesToItsChannel() throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.nagare().port())
                        .setURI("/socket.io/?EIO=4&transport=websocket"))
                // On the event loop as the connect completes: set after await, the handler could miss the
                // OPEN packet the server sends at once (it did, under load).
                .onSuccess(ws -> ws.textMessageHandler(received::add))
                .await(10, TimeUnit.SECONDS);
        String open = received.poll(10, TimeUnit.SECONDS);
        assertThat(open).startsWith("0{");
        String sid = new JsonObject(open.substring(1)).getString("sid");

        EngineServer engine = server.nagare().io().engine();
        Promise<Boolean> direct = Promise.promise();
        engine.context().runOnContext(v -> {
            WebSocketTransport t = (WebSocketTransport) engine.session(sid).transport();
            t.send(List.of(EnginePacket.message("on the fast path")));
            direct.complete(t.direct());
        });
        assertThat(direct.future().await(10, TimeUnit.SECONDS))
                .as("the engine's WebSocket reaches its Netty channel (NettyChannels.routed in Nagare)").isTrue();
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("4on the fast path");
        // Written by then, on the socket's own loop (which need not be the engine's: --event-loops).
        Promise<Boolean> framed = Promise.promise();
        engine.context().runOnContext(v -> framed.complete(((WebSocketTransport) engine.session(sid).transport()).framed()));
        assertThat(framed.future().await(10, TimeUnit.SECONDS)).as("whole frames written below Netty's frame encoder").isTrue();
    }
}
