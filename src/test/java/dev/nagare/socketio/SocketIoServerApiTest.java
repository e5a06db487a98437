package dev.nagare.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.TestServer;
import io.socket.client.IO;
import io.vertx.core.Future;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server-side API (middleware, dynamic namespaces, fetchSockets & co.) driven by real Java clients. */
class SocketIoServerApiTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private final List<io.socket.client.Socket> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(io.socket.client.Socket::close);
    }

    /** Connects a Java client to {@code namespace} and waits for CONNECT; records every "news" event. */
    private io.socket.client.Socket connect(String namespace, BlockingQueue<Object> news) throws Exception {
        io.socket.client.Socket s = IO.socket(URI.create(server.baseUrl() + namespace), IO.Options.builder()
                .setTransports(new String[] {"websocket"}).setReconnection(false).setForceNew(true).build());
        clients.add(s);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        s.on(io.socket.client.Socket.EVENT_CONNECT, a -> connected.complete(null));
        s.on(io.socket.client.Socket.EVENT_CONNECT_ERROR, a -> connected.completeExceptionally(
                new IllegalStateException(String.valueOf(a[0]))));
        if (news != null) {
            s.on("news", a -> news.add(a[0]));
        }
        s.connect();
        connected.get(10, TimeUnit.SECONDS);
        return s;
    }

    @Test
    void packetMiddlewareCanRejectAnEventBeforeItsHandlerRuns() throws Exception {
        BlockingQueue<Object> handled = new LinkedBlockingQueue<>();
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        server.nagare().io().of("/guarded").on("connection", socket -> {
            socket.use((s, packet) -> "forbidden".equals(packet.get(0))
                    ? Future.failedFuture(new IllegalArgumentException("not allowed: forbidden"))
                    : Future.succeededFuture());
            socket.onError(errors::add);
            socket.onAny((event, args, ack) -> handled.add(event));
        });
        io.socket.client.Socket c = connect("/guarded", null);
        c.emit("forbidden", 1);
        c.emit("allowed", 2);
        assertThat(handled.poll(5, TimeUnit.SECONDS)).isEqualTo("allowed");
        assertThat(errors.poll(5, TimeUnit.SECONDS)).hasMessage("not allowed: forbidden");
        assertThat(handled).isEmpty();
    }

    @Test
    void dynamicNamespacesAreCreatedForMatchingNamesOnly() throws Exception {
        server.nagare().io().dynamic(name -> name.matches("/team-\\d+"),
                ns -> ns.on("connection", socket -> socket.emit("news", "welcome to " + ns.name())));
        BlockingQueue<Object> news = new LinkedBlockingQueue<>();
        connect("/team-42", news);
        assertThat(news.poll(5, TimeUnit.SECONDS)).isEqualTo("welcome to /team-42");
        assertThat(server.nagare().io().namespaces()).containsKey("/team-42");

        CompletableFuture<Object> refused = new CompletableFuture<>();
        io.socket.client.Socket bad = IO.socket(URI.create(server.baseUrl() + "/team-x"), IO.Options.builder()
                .setTransports(new String[] {"websocket"}).setReconnection(false).setForceNew(true).build());
        clients.add(bad);
        bad.on(io.socket.client.Socket.EVENT_CONNECT_ERROR, a -> refused.complete(a[0]));
        bad.connect();
        assertThat(refused.get(5, TimeUnit.SECONDS).toString()).contains("Invalid namespace");
    }

    @Test
    void socketsJoinFetchSocketsSocketsLeaveAndDisconnectSocketsActOnTheSelection() throws Exception {
        Namespace ns = server.nagare().io().of("/ops");
        BlockingQueue<String> disconnects = new LinkedBlockingQueue<>();
        ns.on("connection", socket -> {
            socket.join((String) socket.handshake().queryParam("team"));
            socket.onDisconnect(disconnects::add);
        });
        BlockingQueue<Object> redNews = new LinkedBlockingQueue<>();
        BlockingQueue<Object> blueNews = new LinkedBlockingQueue<>();
        connectWithQuery("/ops", "team=red", redNews);
        connectWithQuery("/ops", "team=blue", blueNews);

        ns.in("red").socketsJoin("vip");
        ns.to("vip").emit("news", "vip only");
        assertThat(redNews.poll(5, TimeUnit.SECONDS)).isEqualTo("vip only");

        List<Map<String, Object>> vips = ns.in("vip").fetchSockets().await(5, TimeUnit.SECONDS);
        assertThat(vips).hasSize(1);
        assertThat(vips.get(0).get("rooms")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).contains("red", "vip");

        ns.in("red").socketsLeave("vip");
        assertThat(ns.in("vip").fetchSockets().await(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(ns.fetchSockets().await(5, TimeUnit.SECONDS)).hasSize(2);

        ns.in("blue").disconnectSockets(false);
        assertThat(disconnects.poll(5, TimeUnit.SECONDS)).isEqualTo("server namespace disconnect");
        assertThat(ns.fetchSockets().await(5, TimeUnit.SECONDS)).hasSize(1);
        ns.emit("news", "to all left");
        assertThat(redNews.poll(5, TimeUnit.SECONDS)).isEqualTo("to all left");
        assertThat(blueNews.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aClientThatNeverAcksMakesEmitWithAckTimeOut() throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        server.nagare().io().of("/silent").on("connection", socket ->
                socket.emitWithAck(java.time.Duration.ofMillis(200), "question", 1)
                        .onComplete(ar -> outcome.complete(ar.cause())));
        connect("/silent", null); // registers no "question" handler, so no ack is ever sent
        assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(java.util.concurrent.TimeoutException.class)
                .hasMessage("no ack for 'question' within 200 ms");
    }

    private void connectWithQuery(String namespace, String query, BlockingQueue<Object> news) throws Exception {
        io.socket.client.Socket s = IO.socket(URI.create(server.baseUrl() + namespace), IO.Options.builder()
                .setTransports(new String[] {"websocket"}).setReconnection(false).setForceNew(true).setQuery(query).build());
        clients.add(s);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        s.on(io.socket.client.Socket.EVENT_CONNECT, a -> connected.complete(null));
        s.on("news", a -> news.add(a[0]));
        s.connect();
        connected.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBroadcastWithAckGathersEveryClientsAnswerOrTimesOutWithThoseThatCame() throws Exception {
        Namespace ns = server.nagare().io().of("/acks");
        io.socket.client.Socket first = connect("/acks", null);
        io.socket.client.Socket second = connect("/acks", null);
        first.on("question", a -> ((io.socket.client.Ack) a[a.length - 1]).call("first: " + a[0]));
        second.on("question", a -> ((io.socket.client.Ack) a[a.length - 1]).call("second: " + a[0]));
        List<Object> answers = ns.timeout(java.time.Duration.ofSeconds(5)).emitWithAck("question", "ready?")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(answers).containsExactlyInAnyOrder("first: ready?", "second: ready?");

        io.socket.client.Socket silent = connect("/acks", null);
        silent.on("question", a -> { }); // never answers
        Throwable timedOut = ns.timeout(java.time.Duration.ofMillis(300)).emitWithAck("question", "again?")
                .toCompletionStage().toCompletableFuture().handle((ok, e) -> e).get(10, TimeUnit.SECONDS);
        assertThat(timedOut).isInstanceOf(dev.nagare.adapter.ResponsesTimeout.class).hasMessage("operation has timed out");
        assertThat(((dev.nagare.adapter.ResponsesTimeout) timedOut).responses())
                .containsExactlyInAnyOrder("first: again?", "second: again?");
    }

    @Test
    void serverSideEmitOnASingleNodeHasNobodyToAskAndSaysSoAtOnce() throws Exception {
        Namespace ns = server.nagare().io().of("/lonely");
        List<Object> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        ns.onServerSideEmit("hello", (args, ack) -> heard.add(args)); // only other nodes' events reach it
        ns.serverSideEmit("hello", 1);
        assertThat(ns.serverSideEmitWithAck(java.time.Duration.ofSeconds(1), "hello", 2)
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(heard).isEmpty();
    }
}
