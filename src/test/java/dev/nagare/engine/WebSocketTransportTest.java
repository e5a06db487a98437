package dev.nagare.engine;

import dev.nagare.web.NettyChannels;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.wire.EnginePacket;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The WebSocket transport on a real Vert.x server: the WebSocket Vert.x hands out must be unwrapped
 * to its Netty channel, or every frame silently takes the slow path (a copy and a system call per
 * receiver, no write window), as it once did without any test noticing.
 */
class WebSocketTransportTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /**
     * Plain Vert.x, and through a Vert.x Web router as Nagare serves it (which wraps the WebSocket;
     * {@link NettyChannels#routed} sees it first);
     * a client without compression gets the whole frames made once per packet, one that negotiated
     * permessage-deflate gets them through the compressor.
     */
    @ParameterizedTest
    @CsvSource({"false,false", "true,false", "true,true"})
    void framesGoStraightToTheNettyChannelAndArriveInOrder(boolean routed, boolean compressed) throws Exception {
        Promise<WebSocketTransport> opened = Promise.promise();
        Context[] loop = new Context[1];
        Handler<HttpServerRequest> upgrade = req -> req.toWebSocket()
                .onSuccess(ws -> {
                    loop[0] = Vertx.currentContext(); // the connection's event loop, where a transport is used
                    opened.complete(new WebSocketTransport(ws, NettyChannels.webSocket(req, ws), null, 20, false, null));
                })
                .onFailure(opened::fail);
        Router router = Router.router(vertx);
        router.route("/").handler(ctx -> upgrade.handle(ctx.request()));
        HttpServer server = vertx.createHttpServer().requestHandler(routed ? NettyChannels.routed(router) : upgrade);
        int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setTryUsePerMessageCompression(compressed));
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/"))
                .onSuccess(ws -> ws.textMessageHandler(received::add)) // on the loop, before any frame is read
                .await(10, TimeUnit.SECONDS);
        WebSocketTransport transport = opened.future().await(10, TimeUnit.SECONDS);

        assertThat(transport.direct()).as("frames written to the Netty channel directly").isTrue();
        EnginePacket shared = EnginePacket.message("shared by every receiver");
        Promise<Boolean> framed = Promise.promise();
        loop[0].runOnContext(v -> {
            transport.send(List.of(EnginePacket.message("first"), shared));
            transport.send(List.of(EnginePacket.message("third"))); // within the window: same flush
            framed.complete(transport.framed());
        });
        assertThat(framed.future().await(10, TimeUnit.SECONDS)).as("whole frames written below the encoder")
                .isEqualTo(!compressed);
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("4first");
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("4shared by every receiver");
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("4third");
        assertThat(transport.writable()).isTrue();
    }
}
