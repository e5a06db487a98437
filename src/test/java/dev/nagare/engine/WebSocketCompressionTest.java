package dev.nagare.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Browsers and the Node client always offer permessage-deflate. Accepting it by default made every
 * frame go through a per-connection compressor (no shared broadcast frame) and made the official
 * client inflate the upgrade probe's pong asynchronously, so its CONNECT reply usually won the race
 * and the first emit took two more HTTP requests (bench/results/setup-*.json). Off by default, as in
 * the reference server (engine.io perMessageDeflate: false); on with --websocket-compression.
 */
class WebSocketCompressionTest {
    @RegisterExtension
    static final TestServer plain = new TestServer();

    @RegisterExtension
    static final TestServer compressing = new TestServer(Map.of(Setting.WEBSOCKET_COMPRESSION, "true"));

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Opens an Engine.IO WebSocket offering permessage-deflate; returns it once the OPEN packet arrived. */
    private WebSocket openOfferingDeflate(TestServer server) throws Exception {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setTryUsePerMessageCompression(true));
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        ClientWebSocket ws = client.webSocket().textMessageHandler(received::add); // before the OPEN can arrive
        ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.nagare().port())
                .setURI("/socket.io/?EIO=4&transport=websocket")).await(10, TimeUnit.SECONDS);
        assertThat(received.poll(10, TimeUnit.SECONDS)).startsWith("0{\"sid\":");
        return ws;
    }

    @Test
    void aClientOfferingPermessageDeflateGetsUncompressedFramesByDefault() throws Exception {
        WebSocket ws = openOfferingDeflate(plain);
        assertThat(ws.headers().get("Sec-WebSocket-Extensions")).isNull();
    }

    @Test
    void withWebsocketCompressionOnPermessageDeflateIsAccepted() throws Exception {
        WebSocket ws = openOfferingDeflate(compressing);
        assertThat(ws.headers().get("Sec-WebSocket-Extensions")).contains("permessage-deflate");
    }
}
