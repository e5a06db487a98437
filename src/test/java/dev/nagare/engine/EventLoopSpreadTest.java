package dev.nagare.engine;

import static dev.nagare.testing.ProtocolClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.socketio.Namespace;
import dev.nagare.testing.EngineFixture;
import dev.nagare.testing.ProtocolClient;
import dev.nagare.testing.ProtocolClient.Response;
import dev.nagare.testing.ProtocolClient.Ws;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine on several event loops (issue 21, "every core"; the server's {@code --event-loops}):
 * connections are spread over four loops while sessions, rooms and handlers stay on the engine's,
 * and a broadcast reaches sockets on every loop once each, in order, next to acks, polling and
 * upgrades. Real server on port 0, raw Engine.IO/Socket.IO clients, byte-exact frames.
 */
class EventLoopSpreadTest {
    private static final String WS = "/socket.io/?EIO=4&transport=websocket";
    private static final String POLL = "/socket.io/?EIO=4&transport=polling";
    private static final int LOOPS = 4;
    private static final int COUNT = 200;
    private static final int UPGRADES_UNDER_LOAD = 300;

    private EngineFixture server;
    private ProtocolClient client;
    private final CompletableFuture<String> disconnected = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        server = EngineFixture.start(EngineConfig.defaults(), LOOPS, io -> {
            Namespace ns = io.of("/");
            ns.onConnection(socket -> {
                socket.on("join", (args, ack) -> {
                    socket.join("room");
                    ack.send("joined");
                });
                socket.on("echo", (args, ack) -> ack.send(args.toArray()));
                // COUNT emits to the room in one turn of the engine's loop, then one to everyone.
                socket.on("go", (args, ack) -> {
                    for (int i = 0; i < COUNT; i++) {
                        ns.to("room").emit("n", i);
                    }
                    ns.emit("end");
                    ack.send("done");
                });
                socket.onDisconnect(reason -> disconnected.complete(socket.id() + " " + reason));
            });
        });
        client = ProtocolClient.connect(server.port());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    private <T> T onEngine(Supplier<T> read) throws Exception {
        Promise<T> result = Promise.promise();
        server.io().engine().context().runOnContext(v -> result.complete(read.get()));
        return result.future().await(5, TimeUnit.SECONDS);
    }

    /** The event loop serving the session's current transport, or null when it is not a WebSocket. */
    private EventExecutor loopOf(String sid) throws Exception {
        return onEngine(() -> {
            EngineSession s = server.io().engine().session(sid);
            // direct(): frames go to the channel (through the loop's outbox when it is another loop's).
            return s != null && s.transport() instanceof WebSocketTransport ws && ws.direct() ? ws.eventLoop() : null;
        });
    }

    private static String sid(String open) {
        assertThat(open).startsWith("0{");
        return new JsonObject(open.substring(1)).getString("sid");
    }

    /** A WebSocket-only client connected to "/": its Engine.IO sid. */
    private static String connect(Ws ws) {
        String sid = sid(ws.nextText());
        ws.send("40");
        assertThat(ws.nextTextSkippingPings()).startsWith("40{\"sid\":");
        return sid;
    }

    @Test
    void aBroadcastReachesSocketsOnEveryLoopOnceEachAndInOrder() throws Exception {
        List<Ws> sockets = new ArrayList<>();
        Set<EventExecutor> loops = new HashSet<>();
        for (int i = 0; i < 2 * LOOPS; i++) {
            Ws ws = client.openWebSocket(WS);
            sockets.add(ws);
            loops.add(loopOf(connect(ws)));
        }
        assertThat(loops).as("the loops serving 8 connections").hasSize(LOOPS);
        // All but the last join the room, each answered by an ack from the engine's loop.
        for (Ws ws : sockets.subList(0, sockets.size() - 1)) {
            ws.send("421[\"join\"]");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("431[\"joined\"]");
        }
        Ws sender = sockets.get(0);
        long before = onEngine(() -> server.io().engine().outbox().handedOver());
        sender.send("422[\"go\"]");
        for (Ws ws : sockets.subList(0, sockets.size() - 1)) {
            for (int i = 0; i < COUNT; i++) {
                assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"n\"," + i + "]");
            }
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"end\"]");
        }
        assertThat(sender.nextTextSkippingPings()).isEqualTo("432[\"done\"]");
        // 201 packets to 7 sockets, 1,407 frames, in one turn of the engine's loop: one task per other
        // loop carried them (not one per write).
        assertThat(onEngine(() -> server.io().engine().outbox().handedOver()) - before)
                .as("tasks handed to the other loops for the whole broadcast").isBetween(1L, (long) LOOPS - 1);
        // Not in the room: only what went to everyone.
        assertThat(sockets.get(sockets.size() - 1).nextTextSkippingPings()).isEqualTo("42[\"end\"]");
        // Each socket's acks still follow its own events.
        for (Ws ws : sockets) {
            ws.send("423[\"echo\",\"x\",1]");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("433[\"x\",1]");
        }
        sockets.forEach(Ws::close);
    }

    /**
     * Vert.x completes {@code toWebSocket()} in a task of the connection's loop after the one that
     * sent the 101, and the client sends its probe as soon as it reads the 101. When that loop is
     * slow to get to the task (here: every processor busy with other threads, as on a loaded
     * machine), it reads the probe first: the probe must wait for the socket's handlers, not be
     * dropped for want of one. It was dropped about once in a hundred upgrades like these, and the
     * client's upgrade then hung (no PONG), which the verify runs saw now and then.
     */
    @Test
    void aProbeReadBeforeTheAcceptCompletesIsAnswered() throws Exception {
        AtomicBoolean busy = new AtomicBoolean(true);
        List<Thread> hogs = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            Thread hog = new Thread(() -> {
                while (busy.get()) {
                    Thread.onSpinWait();
                }
            }, "cpu-hog-" + i);
            hog.setDaemon(true);
            hog.start();
            hogs.add(hog);
        }
        try {
            for (int i = 0; i < UPGRADES_UNDER_LOAD; i++) {
                String sid = sid(client.get(POLL).body());
                CompletableFuture<Response> poll = client.getAsync(POLL + "&sid=" + sid);
                Ws ws = client.openWebSocket(WS + "&sid=" + sid);
                ws.send("2probe");
                assertThat(ws.nextText()).as("upgrade %d: the PONG to the probe", i).isEqualTo("3probe");
                assertThat(await(poll)).isEqualTo(new Response(200, "6"));
                ws.send("5");
                ws.close();
            }
        } finally {
            busy.set(false);
            for (Thread t : hogs) {
                t.join();
            }
        }
    }

    @Test
    void pollingClientsAndUpgradesWorkFromEveryLoop() throws Exception {
        Set<EventExecutor> loops = new HashSet<>();
        List<Ws> upgraded = new ArrayList<>();
        for (int i = 0; i < 2 * LOOPS; i++) {
            String sid = sid(client.get(POLL).body());
            assertThat(client.post(POLL + "&sid=" + sid, "40")).isEqualTo(new Response(200, "ok"));
            assertThat(client.get(POLL + "&sid=" + sid).body()).startsWith("40{\"sid\":");
            CompletableFuture<Response> poll = client.getAsync(POLL + "&sid=" + sid);
            Ws ws = client.openWebSocket(WS + "&sid=" + sid);
            ws.send("2probe");
            assertThat(ws.nextText()).isEqualTo("3probe");
            assertThat(await(poll)).isEqualTo(new Response(200, "6"));
            ws.send("5");
            ws.send("421[\"join\"]");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("431[\"joined\"]");
            loops.add(loopOf(sid));
            upgraded.add(ws);
        }
        assertThat(loops).as("the loops serving 8 upgraded sockets").hasSizeGreaterThan(1).doesNotContainNull();
        // A client that stays on polling gets the broadcast in its polls.
        String polling = sid(client.get(POLL).body());
        client.post(POLL + "&sid=" + polling, "40");
        assertThat(client.get(POLL + "&sid=" + polling).body()).startsWith("40{\"sid\":");
        client.post(POLL + "&sid=" + polling, "421[\"join\"]");
        assertThat(client.get(POLL + "&sid=" + polling).body()).isEqualTo("431[\"joined\"]");
        upgraded.get(0).send("422[\"go\"]");
        for (Ws ws : upgraded) {
            for (int i = 0; i < COUNT; i++) {
                assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"n\"," + i + "]");
            }
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"end\"]");
        }
        StringBuilder polled = new StringBuilder();
        String expected = expectedPollBody();
        while (polled.length() < expected.length()) {
            String body = client.get(POLL + "&sid=" + polling).body();
            polled.append(polled.length() == 0 ? "" : "\u001e").append(body);
        }
        assertThat(polled.toString()).isEqualTo(expected);
        upgraded.forEach(Ws::close);
    }

    @Test
    void aPollingClientPostsWhileItsPollWaitsOnAnotherLoop() throws Exception {
        // No keep-alive: each request on a connection of its own, so the handshake, the pending GET
        // and the POST are served by different loops (round-robin), as a browser's often are.
        HttpClient http = server.vertx().createHttpClient(new HttpClientOptions().setKeepAlive(false)
                .setDefaultHost("127.0.0.1").setDefaultPort(server.port()));
        String sid = sid(request(http, HttpMethod.GET, POLL, null).await(5, TimeUnit.SECONDS));
        for (int i = 0; i < 2 * LOOPS; i++) {
            Future<String> poll = request(http, HttpMethod.GET, POLL + "&sid=" + sid, null);
            // Parked once the engine holds it (the session's transport then is writable).
            awaitPendingPoll(sid);
            String packet = i == 0 ? "40" : "42" + i + "[\"echo\"," + i + "]";
            assertThat(request(http, HttpMethod.POST, POLL + "&sid=" + sid, packet).await(5, TimeUnit.SECONDS)).isEqualTo("ok");
            assertThat(poll.await(5, TimeUnit.SECONDS)).isEqualTo(i == 0 ? poll.result() : "43" + i + "[" + i + "]");
            if (i == 0) {
                assertThat(poll.result()).startsWith("40{\"sid\":");
            }
        }
        http.close();
    }

    private void awaitPendingPoll(String sid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!onEngine(() -> server.io().engine().session(sid).transport().writable())) {
            assertThat(System.nanoTime()).as("the poll parked within 5 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private static Future<String> request(HttpClient http, HttpMethod method, String uri, String body) {
        return http.request(method, uri).compose(r -> (body == null ? r.send() : r.send(body)).compose(res -> res.body()))
                .map(Buffer::toString);
    }

    private static String expectedPollBody() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < COUNT; i++) {
            b.append("42[\"n\",").append(i).append("]\u001e");
        }
        return b.append("42[\"end\"]").toString();
    }

    @Test
    void aClientLeavingFromAnotherLoopIsCleanedUp() throws Exception {
        EventExecutor engineLoop = onEngine(() -> ((io.vertx.core.internal.ContextInternal) server.io().engine().context())
                .nettyEventLoop());
        // The first connection served by a loop other than the engine's.
        List<Ws> others = new ArrayList<>();
        String sid = null;
        Ws away = null;
        for (int i = 0; i < LOOPS && away == null; i++) {
            Ws ws = client.openWebSocket(WS);
            String s = connect(ws);
            if (loopOf(s) != engineLoop) {
                away = ws;
                sid = s;
            } else {
                others.add(ws);
            }
        }
        assertThat(away).as("a connection on another loop than the engine's").isNotNull();
        int before = onEngine(() -> server.io().of("/").size());
        away.close();
        assertThat(disconnected.get(5, TimeUnit.SECONDS)).endsWith(" transport close");
        String gone = sid;
        assertThat(onEngine(() -> server.io().engine().session(gone))).isNull();
        assertThat(onEngine(() -> server.io().of("/").size())).isEqualTo(before - 1);
        assertThat(onEngine(() -> server.io().engine().sessionsByTransport().get("websocket"))).isEqualTo(others.size());
        others.forEach(Ws::close);
    }
}
