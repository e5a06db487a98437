package dev.nagare.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.TestServer;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java socket.io client (io.socket:socket.io-client 2.1.2) against the real server. */
class JavaClientInteropTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private Socket client;

    @BeforeAll
    static void handlers() {
        Namespace ns = server.nagare().io().of("/java");
        ns.on("connection", socket -> {
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
            socket.on("shout", (args, ack) -> ns.emit("heard", args.get(0)));
            socket.emit("welcome", socket.handshake().queryParam("name"));
        });
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private Socket connect(String transport) {
        IO.Options options = IO.Options.builder()
                .setTransports(new String[] {transport})
                .setReconnection(false)
                .setForceNew(true)
                .setQuery("name=duke")
                .build();
        client = IO.socket(URI.create(server.baseUrl() + "/java"), options);
        return client;
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void connectsReceivesServerEmitsAndGetsAcks(String transport) throws Exception {
        Socket s = connect(transport);
        CompletableFuture<Object> welcome = new CompletableFuture<>();
        s.on("welcome", args -> welcome.complete(args[0]));
        s.connect();
        assertThat(welcome.get(10, TimeUnit.SECONDS)).isEqualTo("duke");

        CompletableFuture<Object[]> ack = new CompletableFuture<>();
        s.emit("echo", new Object[] {new JSONObject().put("n", 7), "two"}, ack::complete);
        Object[] reply = ack.get(10, TimeUnit.SECONDS);
        assertThat(((JSONObject) reply[0]).getInt("n")).isEqualTo(7);
        assertThat(reply[1]).isEqualTo("two");
    }

    @Test
    void binaryAttachmentsRoundTrip() throws Exception {
        Socket s = connect("websocket");
        CompletableFuture<Void> connected = new CompletableFuture<>();
        s.on(Socket.EVENT_CONNECT, args -> connected.complete(null));
        s.connect();
        connected.get(10, TimeUnit.SECONDS);

        byte[] bytes = {1, 2, 3, (byte) 0xff};
        CompletableFuture<Object[]> ack = new CompletableFuture<>();
        s.emit("echo", new Object[] {bytes}, ack::complete);
        assertThat(Arrays.equals((byte[]) ack.get(10, TimeUnit.SECONDS)[0], bytes)).isTrue();
    }

    @Test
    void broadcastsReachTheSender() throws Exception {
        Socket s = connect("websocket");
        CompletableFuture<Object> heard = new CompletableFuture<>();
        s.on("heard", args -> heard.complete(args[0]));
        s.on(Socket.EVENT_CONNECT, args -> s.emit("shout", "hello all"));
        s.connect();
        assertThat(heard.get(10, TimeUnit.SECONDS)).isEqualTo("hello all");
    }
}
