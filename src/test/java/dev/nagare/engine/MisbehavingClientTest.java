package dev.nagare.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.socketio.Socket;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.testing.EngineFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clients that stop reading or flood the server are cut off, and nobody else notices. */
class MisbehavingClientTest {
    private static final long MAX_BUFFERED = 256 * 1024;

    private EngineFixture server;
    private Vertx vertx;
    private SocketIoServer io;
    private int port;
    private final BlockingQueue<Socket> connected = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> disconnectReasons = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        server = EngineFixture.start(EngineConfig.defaults()
                .withHeartbeat(120_000, 60_000).withMaxBufferedBytes(MAX_BUFFERED).withInboundRate(100), created -> {
                    io = created;
                    io.of("/").on("connection", s -> {
                        s.onDisconnect(disconnectReasons::add);
                        connected.add(s);
                    });
                });
        vertx = server.vertx();
        port = server.port();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** A raw Engine.IO/Socket.IO client: opens, joins "/", and records text frames. */
    private ClientWebSocket client(BlockingQueue<String> frames) throws Exception {
        WebSocketClient wsClient = vertx.createWebSocketClient();
        ClientWebSocket ws = wsClient.webSocket();
        ws.textMessageHandler(frames::add); // before connecting, so the open packet cannot be missed
        ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/socket.io/?EIO=4&transport=websocket")).await(10, TimeUnit.SECONDS);
        assertThat(frames.poll(5, TimeUnit.SECONDS)).startsWith("0{");
        ws.writeTextMessage("40");
        assertThat(frames.poll(5, TimeUnit.SECONDS)).startsWith("40{\"sid\"");
        return ws;
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedWhileOthersKeepReceiving() throws Exception {
        BlockingQueue<String> slowFrames = new LinkedBlockingQueue<>();
        BlockingQueue<String> fastFrames = new LinkedBlockingQueue<>();
        WebSocket slow = client(slowFrames);
        Socket slowSocket = connected.poll(5, TimeUnit.SECONDS);
        client(fastFrames);
        Socket fastSocket = connected.poll(5, TimeUnit.SECONDS);
        slow.pause(); // stop reading: the kernel buffers fill, then Netty's, then the session's queue

        String chunk = "x".repeat(16 * 1024);
        CompletableFuture<Void> flooded = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            // 64 MB for the slow client: far more than socket buffers and the 256 KB queue bound.
            for (int i = 0; i < 4096 && slowSocket.connected(); i++) {
                slowSocket.emit("flood", chunk);
            }
            flooded.complete(null);
        });
        flooded.get(30, TimeUnit.SECONDS);

        assertThat(disconnectReasons.poll(10, TimeUnit.SECONDS)).isEqualTo("transport error");
        assertThat(slowSocket.connected()).isFalse();

        // The other client is unaffected.
        fastSocket.emit("still", "here");
        assertThat(fastFrames.poll(5, TimeUnit.SECONDS)).isEqualTo("42[\"still\",\"here\"]");
        assertThat(fastSocket.connected()).isTrue();
        slow.resume(); // let it read the close, so the test's Vert.x can shut down promptly
    }

    @Test
    void aClientFloodingMessagesIsDisconnectedAndOthersAreServed() throws Exception {
        BlockingQueue<String> floodFrames = new LinkedBlockingQueue<>();
        BlockingQueue<String> calmFrames = new LinkedBlockingQueue<>();
        ClientWebSocket flooder = client(floodFrames);
        connected.poll(5, TimeUnit.SECONDS);
        client(calmFrames);
        Socket calm = connected.poll(5, TimeUnit.SECONDS);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        flooder.closeHandler(v -> closed.complete(null));
        // 100 messages/s allowed with a burst of 200: 1,000 at once is a flood.
        for (int i = 0; i < 1000; i++) {
            flooder.writeTextMessage("42[\"spam\"," + i + "]");
        }
        assertThat(disconnectReasons.poll(10, TimeUnit.SECONDS)).isEqualTo("transport error");
        closed.get(10, TimeUnit.SECONDS);
        calm.emit("ok");
        assertThat(calmFrames.poll(5, TimeUnit.SECONDS)).isEqualTo("42[\"ok\"]");
    }

    @Test
    void volatilePacketsToASlowClientAreDroppedInsteadOfQueued() throws Exception {
        BlockingQueue<String> slowFrames = new LinkedBlockingQueue<>();
        WebSocket slow = client(slowFrames);
        Socket slowSocket = connected.poll(5, TimeUnit.SECONDS);
        slow.pause();

        String chunk = "v".repeat(16 * 1024);
        CompletableFuture<Void> sent = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            for (int i = 0; i < 4096; i++) {
                slowSocket.emitVolatile("position", chunk);
            }
            sent.complete(null);
        });
        sent.get(30, TimeUnit.SECONDS);

        // 64 MB of volatile packets did not overflow the queue: the client is still connected...
        CompletableFuture<Boolean> stillConnected = new CompletableFuture<>();
        vertx.runOnContext(v -> stillConnected.complete(slowSocket.connected()));
        assertThat(stillConnected.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(disconnectReasons).isEmpty();
        // ...and once it reads again it gets only what fitted, then the packet queued meanwhile
        // (sent while the socket was unwritable: only the writability event can release it).
        slowSocket.emit("live", 1);
        slow.resume();
        String frame;
        int received = 0;
        while (!(frame = slowFrames.poll(10, TimeUnit.SECONDS)).equals("42[\"live\",1]")) {
            assertThat(frame).startsWith("42[\"position\"");
            received++;
        }
        assertThat(received).isLessThan(4096);
    }
}
