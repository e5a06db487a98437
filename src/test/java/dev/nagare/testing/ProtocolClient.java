package dev.nagare.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.nagare.server.ConformanceFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A raw Engine.IO / Socket.IO wire client for protocol tests: it starts the
 * {@link ConformanceFixture} in-process on an ephemeral port and talks to it with plain HTTP
 * (java.net.http, HTTP/1.1 only) and Vert.x WebSockets whose frames are recorded, in arrival
 * order, into a queue: a text frame as a {@code String}, a binary frame as a {@code byte[]}, the
 * end of the connection as {@link Closed}.
 */
public final class ProtocolClient implements AutoCloseable {
    /** How long a test waits for a frame or a response before it fails. */
    public static final Duration WAIT = Duration.ofSeconds(3);

    /** An HTTP answer: status and body decoded as UTF-8. */
    public record Response(int status, String body) {
    }

    /** The WebSocket ended; {@code code} is the close frame's status code, null when there was none. */
    public record Closed(Short code) {
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final int port;
    private final HttpClient http;
    private final WebSocketClient webSockets;

    private ProtocolClient(Vertx vertx, HttpServer server, int port) {
        this.vertx = vertx;
        this.server = server;
        this.port = port;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(2_000_000).setMaxMessageSize(2_000_000));
    }

    /** A client of a server already listening on 127.0.0.1:{@code port} (closing it leaves the server). */
    public static ProtocolClient connect(int port) {
        return new ProtocolClient(Vertx.vertx(), null, port);
    }

    /**
     * Starts the conformance fixture on 127.0.0.1, port 0, and returns a client bound to it. With
     * {@code -Dnagare.protocolTargetPort=N} it instead talks to a server already listening on
     * 127.0.0.1:N (e.g. the JS reference servers in the conformance-suite setup), to check that the
     * tests themselves encode the reference behaviour.
     */
    public static ProtocolClient startFixture() {
        Vertx vertx = Vertx.vertx();
        Integer target = Integer.getInteger("nagare.protocolTargetPort");
        if (target != null) {
            return new ProtocolClient(vertx, null, target);
        }
        try {
            HttpServer server = ConformanceFixture.start(vertx, "127.0.0.1", 0).await(10, TimeUnit.SECONDS);
            return new ProtocolClient(vertx, server, server.actualPort());
        } catch (TimeoutException e) {
            vertx.close();
            throw new IllegalStateException("fixture did not start within 10 s", e);
        }
    }

    @Override
    public void close() {
        try {
            webSockets.close().await(5, TimeUnit.SECONDS);
            if (server != null) {
                server.close().await(5, TimeUnit.SECONDS);
            }
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the client or the fixture did not close in time", e);
        }
    }

    // ---- HTTP ----

    public Response get(String pathAndQuery) {
        return await(getAsync(pathAndQuery));
    }

    public CompletableFuture<Response> getAsync(String pathAndQuery) {
        return sendAsync(request(pathAndQuery).GET().build());
    }

    public Response post(String pathAndQuery, String body) {
        return send("POST", pathAndQuery, body);
    }

    /** Sends {@code body} as text/plain with {@code method}, as a fetch() with a string body does. */
    public Response send(String method, String pathAndQuery, String body) {
        return await(sendAsync(request(pathAndQuery).header("Content-Type", "text/plain;charset=UTF-8")
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build()));
    }

    /**
     * Opens a polling session at {@code enginePath} ("/engine.io/" or "/socket.io/") and returns
     * its sid, checking only that the handshake succeeded.
     */
    public String openPollingSession(String enginePath) {
        Response r = get(enginePath + "?EIO=4&transport=polling");
        assertThat(r.status()).as("handshake status").isEqualTo(200);
        assertThat(r.body()).startsWith("0");
        return new JsonObject(r.body().substring(1)).getString("sid");
    }

    /**
     * Sends a GET on its own TCP connection and closes that connection without reading the
     * answer, as a browser does when a poll is cancelled.
     */
    public void sendGetAndAbort(String pathAndQuery) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Give the server a moment to read the request and park the poll before the socket goes
            // away; nothing the client can observe marks that moment.
            Thread.sleep(100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(WAIT);
    }

    private CompletableFuture<Response> sendAsync(HttpRequest req) {
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(r -> new Response(r.statusCode(), r.body()));
    }

    public static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(WAIT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("request failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no response within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Heartbeat tests need the client to answer every ping within pingTimeout (200 ms). On a
     * starved machine the client can miss that deadline, and the server then rightly closes the
     * session. {@code attempt} returns false when that happened; it is then run again, up to
     * {@code attempts} times in all. A server that closes early every time still fails.
     */
    public static void retryWhileClientTooSlow(int attempts, BooleanSupplier attempt) {
        for (int i = 1; i <= attempts; i++) {
            if (attempt.getAsBoolean()) {
                return;
            }
            System.err.println("heartbeat attempt " + i + ": the session ended early (client too slow?)");
        }
        fail("the session ended before its time in all " + attempts + " attempts");
    }

    // ---- WebSocket ----

    /** Opens a WebSocket and fails the test if the upgrade does not succeed. */
    public Ws openWebSocket(String pathAndQuery) {
        Ws ws = new Ws(webSockets.webSocket());
        try {
            ws.socket.connect(options(pathAndQuery)).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("WebSocket upgrade to " + pathAndQuery + " failed: " + e, e);
        }
        return ws;
    }

    /**
     * Attempts a WebSocket upgrade and returns how it ended: either the refusal
     * ({@link UpgradeRejectedException}) or, when the server accepted it, the open socket.
     */
    public Object attemptWebSocket(String pathAndQuery) {
        Ws ws = new Ws(webSockets.webSocket());
        try {
            ws.socket.connect(options(pathAndQuery)).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return ws;
        } catch (UpgradeRejectedException e) {
            return e;
        } catch (TimeoutException e) {
            throw new AssertionError("WebSocket upgrade to " + pathAndQuery + " neither succeeded nor failed", e);
        }
    }

    private WebSocketConnectOptions options(String pathAndQuery) {
        return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(pathAndQuery)
                .setTimeout(WAIT.toMillis());
    }

    /** A short printable form of a recorded event, for failure messages. */
    static String describe(Object event) {
        if (event instanceof byte[] b) {
            return "binary frame of " + b.length + " bytes";
        }
        if (event instanceof String text) {
            return "text frame \"" + (text.length() > 80 ? text.substring(0, 80) + "\"... (" + text.length()
                    + " characters)" : text + "\"");
        }
        return String.valueOf(event);
    }

    /** One recorded WebSocket connection. */
    public static final class Ws implements AutoCloseable {
        private final ClientWebSocket socket;
        private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        private volatile boolean answerPings;

        Ws(ClientWebSocket socket) {
            this.socket = socket;
            socket.textMessageHandler(text -> {
                if (answerPings && "2".equals(text)) {
                    socket.writeTextMessage("3");
                } else {
                    events.add(text);
                }
            });
            socket.binaryMessageHandler(b -> events.add(b.getBytes()));
            socket.closeHandler(v -> events.add(new Closed(socket.closeStatusCode())));
            socket.exceptionHandler(e -> { });
        }

        public void send(String text) {
            socket.writeTextMessage(text);
        }

        /**
         * From now on every ping is answered as it arrives, like a real client does, instead of
         * when the test next reads: for a test that holds this WebSocket while it does other work
         * longer than the fixture's heartbeat (pingInterval + pingTimeout) on a loaded machine.
         */
        public Ws answeringPings() {
            answerPings = true;
            return this;
        }

        public void sendBinary(byte... bytes) {
            socket.writeBinaryMessage(Buffer.buffer(bytes));
        }

        /** The next frame or {@link Closed}; fails the test if nothing arrives within {@link #WAIT}. */
        public Object next() {
            try {
                Object e = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (e == null) {
                    fail("no WebSocket frame within " + WAIT.toMillis() + " ms");
                }
                return e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** The next event, which must be a text frame. */
        public String nextText() {
            return expect(next(), String.class);
        }

        /**
         * The next event that is not an Engine.IO ping; each ping met on the way is answered with
         * a pong so the session stays alive (Socket.IO-level tests).
         */
        public Object nextSkippingPings() {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("nothing but pings within " + WAIT.toMillis() + " ms");
                }
                Object e;
                try {
                    e = events.poll(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ie);
                }
                if (e == null) {
                    fail("nothing but pings within " + WAIT.toMillis() + " ms");
                }
                if ("2".equals(e)) {
                    send("3");
                    continue;
                }
                return e;
            }
        }

        /** The next non-ping event, which must be a text frame. */
        public String nextTextSkippingPings() {
            return expect(nextSkippingPings(), String.class);
        }

        /** The next non-ping event, which must be a binary frame. */
        public byte[] nextBinarySkippingPings() {
            return expect(nextSkippingPings(), byte[].class);
        }

        /**
         * The next non-ping event, which must be the end of the connection. Since every ping is
         * answered, the heartbeat cannot be what ended it.
         */
        public Closed nextCloseSkippingPings() {
            return expect(nextSkippingPings(), Closed.class);
        }

        /** The next event, which must be the end of the connection. */
        public Closed nextClose() {
            return expect(next(), Closed.class);
        }

        private static <T> T expect(Object event, Class<T> type) {
            if (!type.isInstance(event)) {
                fail("expected the next WebSocket event to be " + type.getSimpleName() + " but got "
                        + describe(event));
            }
            return type.cast(event);
        }

        @Override
        public void close() {
            if (!socket.isClosed()) {
                socket.close();
            }
        }
    }
}
