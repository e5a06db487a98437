package dev.nagare.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.wire.EnginePacket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order in which the engine answers the requests of a connection set-up (issue 24): a POST
 * whose body has arrived is handled before requests of other connections read in the same
 * event-loop turn, and while an upgrade probe is under way the pending poll's packets wait for
 * the probe's PONG. Against an echo engine served like Nagare serves it (the HTTP server listens
 * from the engine's context).
 */
class SetupOrderTest {
    private static final String P = "/engine.io/?EIO=4&transport=polling";

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private Context context;
    private volatile EngineSession session;
    private int port;

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private void start(EngineConfig config) throws Exception {
        context = vertx.getOrCreateContext();
        CompletableFuture<HttpServer> listening = new CompletableFuture<>();
        context.runOnContext(v -> {
            EngineServer engine = new EngineServer(context, config.withPath("/engine.io/"));
            engine.allowRequest(req -> {
                events.add("handshake");
                return Future.succeededFuture();
            });
            engine.onConnection(session -> {
                this.session = session;
                session.listener(new SessionListener() {
                @Override
                public void onMessage(EngineSession s, EnginePacket message) {
                    events.add("message " + message.text());
                    boolean pollWasPending = pendingPoll(s);
                    s.send(message);
                    if (pollWasPending && !pendingPoll(s)) {
                        events.add("answered");
                    }
                }

                @Override
                public void onClose(EngineSession s, String reason) {
                }
            });
            });
            vertx.createHttpServer().requestHandler(engine::handle).listen(0, "127.0.0.1")
                    .onSuccess(listening::complete).onFailure(listening::completeExceptionally);
        });
        port = listening.get(10, TimeUnit.SECONDS).actualPort();
    }

    private static boolean pendingPoll(EngineSession s) {
        return s.transport() instanceof PollingTransport polling && polling.hasPendingPoll();
    }

    /** Waits until the session's poll is parked on the server (checked on its event loop). */
    private void awaitParkedPoll() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            CompletableFuture<Boolean> parked = new CompletableFuture<>();
            context.runOnContext(v -> parked.complete(pendingPoll(session)));
            if (parked.get(5, TimeUnit.SECONDS)) {
                return;
            }
        }
        throw new AssertionError("the poll was not parked within 5 s");
    }

    private String openSession() throws Exception {
        String open = get(P).get(5, TimeUnit.SECONDS).body();
        events.clear();
        return new JsonObject(open.substring(1)).getString("sid");
    }

    private CompletableFuture<HttpResponse<String>> get(String pathAndQuery) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String post(String pathAndQuery, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Blocks the engine's event loop until the returned latch is counted down (or 5 s). */
    private CountDownLatch blockEventLoop() throws InterruptedException {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        context.runOnContext(v -> {
            blocked.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    private static String readResponse(Socket socket) throws IOException {
        socket.setSoTimeout(5_000);
        InputStream in = socket.getInputStream();
        StringBuilder text = new StringBuilder();
        byte[] buf = new byte[4096];
        // Enough for one small response: headers, then a body of Content-Length bytes.
        while (true) {
            int n = in.read(buf);
            if (n < 0) {
                return text.toString();
            }
            text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                String head = text.substring(0, end).toLowerCase();
                int at = head.indexOf("content-length:");
                int length = at < 0 ? 0 : Integer.parseInt(head.substring(at + 15).split("\r\n")[0].trim());
                if (text.length() - end - 4 >= length) {
                    return text.toString();
                }
            }
        }
    }

    @Test
    void aPostWhoseBodyHasArrivedIsHandledBeforeRequestsReadAfterItInTheSameTurn() throws Exception {
        start(EngineConfig.defaults());
        String sid = openSession();
        try (Socket postConnection = new Socket("127.0.0.1", port);
                Socket handshakeConnection = new Socket("127.0.0.1", port)) {
            // Both requests reach the server while its event loop is busy, so it reads them in one
            // turn, the POST first (as engine.io-client sends a CONNECT beside its other requests).
            CountDownLatch release = blockEventLoop();
            OutputStream post = postConnection.getOutputStream();
            post.write(("POST " + P + "&sid=" + sid + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 6\r\n\r\n4hello")
                    .getBytes(StandardCharsets.US_ASCII));
            post.flush();
            OutputStream handshake = handshakeConnection.getOutputStream();
            handshake.write(("GET " + P + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            handshake.flush();
            release.countDown();
            assertThat(readResponse(postConnection)).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nok");
            assertThat(readResponse(handshakeConnection)).startsWith("HTTP/1.1 200").contains("\"sid\"");
        }
        // Like the reference server: the POST's packets are delivered before the next request is
        // served, not one event-loop turn later.
        assertThat(events).containsExactly("message hello", "handshake");
    }

    @Test
    void aReplyToAPostedMessageAnswersThePendingPollInTheSameTurn() throws Exception {
        start(EngineConfig.defaults());
        String sid = openSession();
        CompletableFuture<HttpResponse<String>> poll = get(P + "&sid=" + sid);
        awaitParkedPoll();
        assertThat(post(P + "&sid=" + sid, "4ping")).isEqualTo("ok");
        assertThat(poll.get(5, TimeUnit.SECONDS).body()).isEqualTo("4ping");
        // The echo was written while the POST was being handled, not one event-loop turn later.
        assertThat(events).containsExactly("message ping", "answered");
    }

    /** Opens the upgrade WebSocket for {@code sid}; its text frames go to {@code frames}. */
    private WebSocket openUpgrade(String sid, LinkedBlockingQueue<String> frames) throws Exception {
        WebSocketClient client = vertx.createWebSocketClient();
        WebSocket ws = client.connect(port, "127.0.0.1", "/engine.io/?EIO=4&transport=websocket&sid=" + sid)
                .await(5, TimeUnit.SECONDS);
        ws.textMessageHandler(frames::add);
        return ws;
    }

    @Test
    void whileAnUpgradeProbeIsUnderWayThePendingPollWaitsForThePong() throws Exception {
        start(EngineConfig.defaults().withUpgradeHold(10_000));
        String sid = openSession();
        CompletableFuture<HttpResponse<String>> poll = get(P + "&sid=" + sid);
        LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = openUpgrade(sid, frames);
        // The echo is ready at once (the POST is answered after it was queued), but the WebSocket
        // of the upgrade has been accepted: it waits for the probe rather than answer the poll.
        assertThat(post(P + "&sid=" + sid, "4early")).isEqualTo("ok");
        assertThat(events).containsExactly("message early");
        assertThat(poll).failsWithin(Duration.ofMillis(300)).withThrowableOfType(TimeoutException.class);
        ws.writeTextMessage("2probe");
        assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo("3probe");
        // Then it goes, behind the PONG, well before the 10 s limit.
        assertThat(poll.get(5, TimeUnit.SECONDS).body()).isEqualTo("4early");
    }

    @Test
    void theHeldPollIsAnsweredAfterTheTimeLimitWhenNoProbeComes() throws Exception {
        start(EngineConfig.defaults().withUpgradeHold(200));
        String sid = openSession();
        CompletableFuture<HttpResponse<String>> poll = get(P + "&sid=" + sid);
        long upgrading = System.nanoTime(); // the hold starts when the server gets the upgrade request
        WebSocket ws = openUpgrade(sid, new LinkedBlockingQueue<>());
        assertThat(post(P + "&sid=" + sid, "4early")).isEqualTo("ok");
        assertThat(poll.get(5, TimeUnit.SECONDS).body()).isEqualTo("4early");
        assertThat(Duration.ofNanos(System.nanoTime() - upgrading)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        ws.close();
    }

    @Test
    void withTheHoldOffThePendingPollIsAnsweredAtOnce() throws Exception {
        start(EngineConfig.defaults().withUpgradeHold(0));
        String sid = openSession();
        CompletableFuture<HttpResponse<String>> poll = get(P + "&sid=" + sid);
        WebSocket ws = openUpgrade(sid, new LinkedBlockingQueue<>());
        assertThat(post(P + "&sid=" + sid, "4early")).isEqualTo("ok");
        assertThat(poll.get(5, TimeUnit.SECONDS).body()).isEqualTo("4early");
        ws.close();
    }
}
