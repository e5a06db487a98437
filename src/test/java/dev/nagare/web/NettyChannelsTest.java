package dev.nagare.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every route {@link NettyChannels} takes to a Netty channel still works on this Vert.x, on a real
 * server served the way Nagare serves (through a Vert.x Web router). After a Vert.x upgrade that
 * breaks one, this fails and says which, instead of Nagare quietly taking a slow or leaky path.
 */
class NettyChannelsTest {
    private final Vertx vertx = Vertx.vertx();
    // Held in a field: Vert.x 5 closes a client nothing refers to any more, even mid-handshake.
    private final WebSocketClient client = vertx.createWebSocketClient();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private int listen(Router router, CompletableFuture<HttpConnection> connection) throws Exception {
        // As Nagare: without h2c detection, Vert.x reports a connection at accept, not at its first request.
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
                .requestHandler(NettyChannels.routed(router))
                .connectionHandler(connection::complete);
        return server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    }

    @Test
    void aRoutedWebSocketReachesItsChannelBelowVertxWebsWrapper() throws Exception {
        CompletableFuture<ChannelHandlerContext> reached = new CompletableFuture<>();
        Router router = Router.router(vertx);
        router.route("/ws").handler(ctx -> ctx.request().toWebSocket()
                .onSuccess(ws -> reached.complete(NettyChannels.webSocket(ctx.request(), ws)))
                .onFailure(reached::completeExceptionally));
        int port = listen(router, new CompletableFuture<>());
        client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
                .await(10, TimeUnit.SECONDS);

        ChannelHandlerContext ctx = reached.get(10, TimeUnit.SECONDS);
        assertThat(ctx).as("NettyChannels.routed no longer sees the WebSocket Vert.x accepts (HttpServerRequestWrapper"
                + ".toWebSocket, WebSocketInternal.channelHandlerContext): the broadcast path would fall back to"
                + " Vert.x's per-receiver encoding").isNotNull();
        assertThat(ctx.channel().isActive()).isTrue();
        assertThat(ctx.pipeline().context(WebSocketFrameEncoder.class))
                .as("Netty's frame encoder, below which whole frames are written").isNotNull();
    }

    @Test
    void framesReadBeforeTheSocketsHandlersAreHeldAndThenDeliveredInOrder() throws Exception {
        CompletableFuture<ServerWebSocket> accepted = new CompletableFuture<>();
        CompletableFuture<Runnable> hold = new CompletableFuture<>();
        CompletableFuture<ChannelHandlerContext> pipeline = new CompletableFuture<>();
        Router router = Router.router(vertx);
        router.route("/ws").handler(ctx -> {
            hold.complete(NettyChannels.holdInbound(ctx.request()));
            ctx.request().toWebSocket().onSuccess(ws -> {
                pipeline.complete(NettyChannels.webSocket(ctx.request(), ws));
                accepted.complete(ws);
            }).onFailure(accepted::completeExceptionally);
        });
        int port = listen(router, new CompletableFuture<>());
        WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
                .await(10, TimeUnit.SECONDS);
        // Sent before the server set any handler: Vert.x alone would drop what it reads meanwhile.
        ws.writeTextMessage("a");
        ws.writeTextMessage("b");
        ServerWebSocket socket = accepted.get(10, TimeUnit.SECONDS);
        assertThat(pipeline.get(10, TimeUnit.SECONDS).pipeline().get("nagare-inbound-hold"))
                .as("NettyChannels.holdInbound's handler before Vert.x's (\"handler\"): without it, an upgrade probe"
                        + " read before the engine sets its handlers is lost").isNotNull();
        List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch both = new CountDownLatch(2);
        socket.textMessageHandler(text -> {
            received.add(text);
            both.countDown();
        });
        hold.get().run();
        assertThat(both.await(10, TimeUnit.SECONDS)).as("the held frames, delivered").isTrue();
        assertThat(received).containsExactly("a", "b");
    }

    @Test
    void aConnectionThatSendsMoreThanTheHoldKeepsIsClosed() throws Exception {
        Router router = Router.router(vertx);
        router.route("/ws").handler(ctx -> {
            NettyChannels.holdInbound(ctx.request()); // never released: a server slow to set the handlers
            ctx.request().toWebSocket();
        });
        int port = listen(router, new CompletableFuture<>());
        WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
                .await(10, TimeUnit.SECONDS);
        CountDownLatch closed = new CountDownLatch(1);
        ws.closeHandler(v -> closed.countDown());
        for (int i = 0; i < 100; i++) {
            ws.writeTextMessage("frame " + i);
        }
        assertThat(closed.await(10, TimeUnit.SECONDS)).as("closed once more than the hold keeps were read").isTrue();
    }

    @Test
    void aWebSocketsOutboundQueueIsShrunkAtTheUpgradeAndStillCarriesVertxsOwnWrites() throws Exception {
        CompletableFuture<ChannelHandlerContext> reached = new CompletableFuture<>();
        CompletableFuture<ServerWebSocket> accepted = new CompletableFuture<>();
        Router router = Router.router(vertx);
        router.route("/ws").handler(ctx -> ctx.request().toWebSocket().onSuccess(ws -> {
            reached.complete(NettyChannels.webSocket(ctx.request(), ws));
            accepted.complete(ws);
        }));
        int port = listen(router, new CompletableFuture<>());
        int count = 5_000;
        CountDownLatch all = new CountDownLatch(count);
        List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
        var ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
                .await(10, TimeUnit.SECONDS);
        ws.textMessageHandler(m -> {
            received.add(m);
            all.countDown();
        });
        ChannelHandlerContext ctx = reached.get(10, TimeUnit.SECONDS);

        java.util.Queue<?> queue = NettyChannels.outboundQueue(ctx);
        assertThat(queue).as("the outbound message queue of Vert.x's WebSocket connection (VertxConnection"
                + ".outboundMessageQueue, OutboundMessageQueue.mqp, MessagePassingQueue.queue): without it each idle"
                + " WebSocket keeps a 4 KB chunk (issue #21)").isNotNull();
        assertThat(queue.getClass()).as("replaced at the upgrade by NettyChannels.shrinkOutboundQueue")
                .isEqualTo(NettyChannels.smallOutboundQueue().getClass());

        // Vert.x's own writes from another thread go through that queue: many chunks' worth, in order.
        ServerWebSocket serverSide = accepted.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < count; i++) {
            serverSide.writeTextMessage("m" + i);
        }
        assertThat(all.await(20, TimeUnit.SECONDS)).as("every message through the shrunk queue").isTrue();
        for (int i = 0; i < count; i++) {
            assertThat(received.get(i)).isEqualTo("m" + i);
        }
        ws.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void anUpgradedConnectionsCloseIsSeenThoughVertxNoLongerReportsIt() throws Exception {
        CompletableFuture<HttpConnection> connection = new CompletableFuture<>();
        CountDownLatch closed = new CountDownLatch(1);
        Router router = Router.router(vertx);
        router.route("/ws").handler(ctx -> ctx.request().toWebSocket());
        int port = listen(router, connection);
        var ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
                .await(10, TimeUnit.SECONDS);
        HttpConnection conn = connection.get(10, TimeUnit.SECONDS);
        vertx.runOnContext(v -> NettyChannels.whenClosed(conn, () -> { }, closed::countDown));
        ws.close().await(10, TimeUnit.SECONDS);

        assertThat(closed.await(10, TimeUnit.SECONDS))
                .as("the close of a connection upgraded to a WebSocket (NettyChannels.whenClosed)").isTrue();
    }

    @Test
    void aRoutedWebSocketDoesNotKeepItsRoutingContextReachable() throws Exception {
        CompletableFuture<ServerWebSocket> accepted = new CompletableFuture<>();
        List<WeakReference<RoutingContext>> routing = new ArrayList<>(); // event loop, then read once settled
        Router router = Router.router(vertx);
        router.route("/ws").handler(ctx -> {
            routing.add(new WeakReference<>(ctx));
            ctx.addEndHandler(v -> { }); // as AccessLog: a closure over the context on the response
            ctx.request().toWebSocket().onSuccess(accepted::complete).onFailure(accepted::completeExceptionally);
        });
        int port = listen(router, new CompletableFuture<>());
        var ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
                .await(10, TimeUnit.SECONDS);
        ServerWebSocket serverSide = accepted.get(10, TimeUnit.SECONDS); // held: the WebSocket lives

        // Vert.x keeps the upgrade request and its response for the WebSocket's life; the handlers
        // Vert.x Web put on that response must not keep the routing context too (issue #21).
        for (int i = 0; i < 100 && routing.get(0).get() != null; i++) {
            System.gc();
        }
        assertThat(routing.get(0).get()).as("the upgrade's routing context, collected while its WebSocket lives").isNull();
        assertThat(serverSide.isClosed()).isFalse();
        serverSide.writeTextMessage("still here").await(10, TimeUnit.SECONDS);
        ws.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void anUpgradedConnectionsHttpObjectIsNotKeptWhileItsWebSocketLives() throws Exception {
        // As Nagare: the guard watches the connection from its accept, the engine takes the channel.
        CompletableFuture<ServerWebSocket> accepted = new CompletableFuture<>();
        CountDownLatch dropped = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        List<WeakReference<HttpConnection>> upgraded = new ArrayList<>(); // event loop, then read once settled
        Router router = Router.router(vertx);
        router.route("/ws").handler(ctx -> ctx.request().toWebSocket().onSuccess(ws -> {
            NettyChannels.webSocket(ctx.request(), ws);
            accepted.complete(ws);
        }));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
                .requestHandler(NettyChannels.routed(router))
                .connectionHandler(conn -> {
                    upgraded.add(new WeakReference<>(conn));
                    NettyChannels.whenClosed(conn, dropped::countDown, closed::countDown);
                });
        int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
        var ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
                .await(10, TimeUnit.SECONDS);
        ServerWebSocket serverSide = accepted.get(10, TimeUnit.SECONDS); // held: the WebSocket lives
        assertThat(dropped.await(10, TimeUnit.SECONDS)).as("the upgrade drops the HTTP connection object").isTrue();

        for (int i = 0; i < 100 && upgraded.get(0).get() != null; i++) {
            System.gc();
        }
        assertThat(upgraded.get(0).get()).as("the HTTP connection a live WebSocket was upgraded from, collected (Vert.x"
                + " 5.0.7's VertxHandler.connectionFactory, cleared by NettyChannels.releaseFactory, holds it: issue #21)")
                .isNull();
        serverSide.writeTextMessage("still here").await(10, TimeUnit.SECONDS);
        ws.close().await(10, TimeUnit.SECONDS);
        assertThat(closed.await(10, TimeUnit.SECONDS)).as("its close still seen").isTrue();
    }

    @Test
    void aPlainConnectionsCloseIsSeen() throws Exception {
        CompletableFuture<HttpConnection> connection = new CompletableFuture<>();
        CountDownLatch closed = new CountDownLatch(1);
        Router router = Router.router(vertx);
        router.route("/").handler(ctx -> ctx.response().end("ok"));
        int port = listen(router, connection);
        try (Socket s = new Socket("127.0.0.1", port)) {
            HttpConnection conn = connection.get(10, TimeUnit.SECONDS);
            NettyChannels.whenClosed(conn, () -> { }, closed::countDown);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        }
        assertThat(closed.await(10, TimeUnit.SECONDS)).as("the close of a plain HTTP connection").isTrue();
    }

    @Test
    void anHttpConnectionsSendBufferIsSetAndAnAbortResetsItWithWhatIsQueued() throws Exception {
        CompletableFuture<Integer> sendBuffer = new CompletableFuture<>();
        CountDownLatch closed = new CountDownLatch(1);
        Router router = Router.router(vertx);
        router.route("/stream").handler(ctx -> {
            HttpConnection conn = ctx.request().connection();
            boolean reached = NettyChannels.sendBuffer(conn, 32 * 1024);
            sendBuffer.complete(reached ? NettyChannels.channel(conn).config().getOption(ChannelOption.SO_SNDBUF) : null);
            NettyChannels.whenClosed(conn, () -> { }, closed::countDown);
            ctx.response().setChunked(true).write(Buffer.buffer(new byte[1 << 20])); // more than the peer will read
            NettyChannels.abort(conn);
        });
        int port = listen(router, new CompletableFuture<>());
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(sendBuffer.get(10, TimeUnit.SECONDS))
                    .as("SO_SNDBUF of an HTTP connection's channel (NettyChannels.channel: ConnectionBase.channel())")
                    .isNotNull().isBetween(32 * 1024, 64 * 1024); // the kernel may double it
            assertThat(closed.await(10, TimeUnit.SECONDS)).as("the aborted connection closed on the server").isTrue();
            InputStream in = s.getInputStream();
            assertThatThrownBy(() -> in.readAllBytes()).as("linger 0: the peer sees a reset, not the queued megabyte")
                    .isInstanceOf(SocketException.class);
        }
    }

    @Test
    void anUnframedBodyAfterARequestHeadReachesRawInputWithTheAnswerWrittenAsItIs() throws Exception {
        CompletableFuture<Boolean> reached = new CompletableFuture<>();
        StringBuilder got = new StringBuilder(); // event loop only
        CompletableFuture<String> body = new CompletableFuture<>();
        Router router = Router.router(vertx);
        router.route("/source").handler(ctx -> reached.complete(NettyChannels.rawInput(ctx.request().connection(),
                "HTTP/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII), data -> {
                    got.append(data.toString(StandardCharsets.US_ASCII));
                    if (got.toString().endsWith("END")) {
                        body.complete(got.toString());
                    }
                })));
        int port = listen(router, new CompletableFuture<>());
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            // As an Icecast source: no Content-Length, no chunks, the body once the server has answered.
            s.getOutputStream().write("SOURCE /source HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(reached.get(10, TimeUnit.SECONDS)).as("Vert.x's HTTP decoder (\"httpDecoder\") under the connection")
                    .isTrue();
            assertThat(new String(s.getInputStream().readNBytes(19), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.0 200 OK\r\n\r\n");
            s.getOutputStream().write("GET / HTTP/1.1\r\n not a request, audio END".getBytes(StandardCharsets.US_ASCII));
            assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("GET / HTTP/1.1\r\n not a request, audio END");
        }
    }

    @Test
    void anOffHeapBufferIsWrittenByTheNativeTransportWithoutACopyPerConnection() {
        Buffer heap = Buffer.buffer("one second of audio");
        Buffer shared = NettyChannels.offHeap(heap);
        assertThat(shared).isEqualTo(heap);
        // What Vert.x hands Netty for each write (Http1xServerResponse.write -> getByteBuf), as epoll sees it:
        io.netty.buffer.ByteBuf written = ((io.vertx.core.internal.buffer.BufferInternal) shared).getByteBuf();
        assertThat(io.netty.channel.unix.UnixChannelUtil.isBufferCopyNeededForWrite(written))
                .as("the native transport would copy it for every connection").isFalse();
        assertThat(io.netty.channel.unix.UnixChannelUtil.isBufferCopyNeededForWrite(
                ((io.vertx.core.internal.buffer.BufferInternal) heap).getByteBuf())).as("a heap Buffer is copied").isTrue();
        written.release(); // a write releases what it took; the shared bytes stay readable
        assertThat(shared.toString()).isEqualTo("one second of audio");
    }
}
