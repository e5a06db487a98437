package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.Cli;
import dev.nagare.server.Setting;
import dev.nagare.socketio.Namespace;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ending a login ends its live access at once: logout, a new password (from the command line, a
 * separate process on the same store), a deleted account, a revoked token. Driven over the real
 * wire: a raw Engine.IO/Socket.IO client on a WebSocket (so that cookies, pid and offset are in the
 * test's hands), an EventSource-style SSE reader, and the CLI's own code path.
 */
class LiveAccessRevocationTest {
    static final String PASSWORD = "velvet thunder orchard";
    static final AtomicInteger posts = new AtomicInteger();

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern"));

    @BeforeAll
    static void setUp() throws Exception {
        // A namespace like the chat's: behind the auth middleware, with connection state recovery.
        Namespace live = server.nagare().io().of("/live").enableRecovery(Duration.ofMinutes(2))
                .use(server.nagare().socketAuth().connect());
        live.on("connection", socket -> {
            socket.emit("hello", "welcome"); // kept for recovery: its last argument is an offset
            socket.on("post", (args, ack) -> {
                posts.incrementAndGet();
                ack.send("ok");
            });
        });
        for (String name : new String[] {"ann", "bea", "cai", "dan", "eve", "fay", "gil"}) {
            server.nagare().accounts().create(name, PASSWORD, Role.USER).await(10, TimeUnit.SECONDS);
        }
    }

    private static WebClient browser(String user) {
        WebClient c = new WebClient(server.baseUrl());
        assertThat(c.login(user, PASSWORD).statusCode()).isEqualTo(303);
        return c;
    }

    private static String cookie(WebClient c) {
        return "nagare_session=" + c.cookies.get("nagare_session");
    }

    private static String token(String user) {
        HttpResponse<String> res = new WebClient(server.baseUrl()).postJson("/api/auth/token",
                new JsonObject().put("username", user).put("password", PASSWORD).encode());
        assertThat(res.statusCode()).isEqualTo(200);
        return new JsonObject(res.body()).getString("token");
    }

    private static boolean bearerWorks(String token) {
        HttpResponse<String> res = new WebClient(server.baseUrl()).send(HttpRequest.newBuilder(
                server.uri("/api/auth/session")).header("Authorization", "Bearer " + token));
        return new JsonObject(res.body()).getBoolean("authenticated");
    }

    private static int cli(String stdin, String... args) {
        return new Cli(Map.of("NAGARE_DATA_DIR", server.dataDir().toString()), new PrintWriter(new StringWriter(), true),
                new PrintWriter(new StringWriter(), true), new BufferedReader(new StringReader(stdin))).run(args);
    }

    @Test
    void logoutDisconnectsTheOpenSocketWithAReasonAndItCannotPostAnyMore() throws Exception {
        WebClient browser = browser("ann");
        WebClient otherTab = browser("ann"); // another session of the same account
        try (RawSio socket = RawSio.open(cookie(browser)); RawSio other = RawSio.open(cookie(otherTab))) {
            socket.connect("/live", new JsonObject());
            other.connect("/live", new JsonObject());
            assertThat(socket.post("first")).isEqualTo("[\"ok\"]");
            int before = posts.get();

            assertThat(browser.logout().statusCode()).isEqualTo(303);

            JsonArray ended = socket.event("nagare:session-ended");
            assertThat(ended.getJsonObject(1).getString("reason")).isEqualTo("logged out");
            socket.expect(f -> f.equals("41/live,")); // a namespace DISCONNECT: the client does not reconnect
            // Posting now is a packet for a namespace it is no longer in: refused, connection closed.
            socket.send("42/live,9[\"post\",\"after logout\"]");
            assertThat(socket.closed.get(5, TimeUnit.SECONDS)).isNotNull();
            assertThat(posts.get()).isEqualTo(before);
            assertThat(socket.frames).noneMatch(f -> f.startsWith("43/live,9"));

            // Only that session ended: the other tab's socket still posts.
            assertThat(other.post("still here")).isEqualTo("[\"ok\"]");
        }
    }

    @Test
    void recoveryAfterLogoutIsRefusedAndItsStateIsGone() throws Exception {
        WebClient browser = browser("bea");
        String dead = cookie(browser);
        RawSio first = RawSio.open(dead);
        JsonObject hello = first.connect("/live", new JsonObject());
        String offset = first.event("hello").getString(2);
        first.dropTransport();
        awaitGone("/live", hello.getString("sid"));

        assertThat(browser.logout().statusCode()).isEqualTo(303);

        JsonObject recover = new JsonObject().put("pid", hello.getString("pid")).put("offset", offset);
        try (RawSio again = RawSio.open(dead)) {
            assertThat(again.connectOutcome("/live", recover)).startsWith("44/live,");
        }
        // Logged in anew, the old pid brings nothing back: the kept state was dropped at logout.
        WebClient fresh = browser("bea");
        try (RawSio again = RawSio.open(cookie(fresh))) {
            JsonObject reply = new JsonObject(again.connectOutcome("/live", recover).substring("40/live,".length()));
            assertThat(reply.getString("sid")).isNotEqualTo(hello.getString("sid"));
        }
    }

    @Test
    void recoveryReChecksTheLoginEvenWhenTheStateWasKept() throws Exception {
        WebClient browser = browser("cai");
        RawSio first = RawSio.open(cookie(browser));
        JsonObject hello = first.connect("/live", new JsonObject());
        String offset = first.event("hello").getString(2);
        first.dropTransport();
        awaitGone("/live", hello.getString("sid"));
        // The session ends behind the server's back (as another process would do it): no signal,
        // so the recovery state is still kept. The middleware, run again on recovery, refuses it.
        server.nagare().store().transact(c -> {
            try (var st = c.prepareStatement("DELETE FROM sessions WHERE id_hash = ?")) {
                st.setString(1, Secrets.sha256(browser.cookies.get("nagare_session")));
                return st.executeUpdate();
            }
        }).await(10, TimeUnit.SECONDS);
        try (RawSio again = RawSio.open(cookie(browser))) {
            String outcome = again.connectOutcome("/live", new JsonObject().put("pid", hello.getString("pid"))
                    .put("offset", offset));
            assertThat(outcome).startsWith("44/live,").contains("session ended").contains("SESSION_ENDED");
        }
    }

    @Test
    void userPasswdFromTheCommandLineEndsTheBearerTokenAndItsSocket() throws Exception {
        String token = token("dan");
        try (RawSio socket = RawSio.open(null)) {
            socket.connect("/live", new JsonObject().put("token", token));
            assertThat(socket.post("before")).isEqualTo("[\"ok\"]");
            long t0 = System.nanoTime();

            assertThat(cli("mountain cloud river\n", "user", "passwd", "dan", "--password-stdin")).isZero();

            assertThat(bearerWorks(token)).isFalse(); // the next check refuses at once
            // The server notices the other process's change (data_version) within about a second.
            JsonArray ended = socket.event("nagare:session-ended");
            assertThat(ended.getJsonObject(1).getString("reason")).contains("token");
            socket.expect(f -> f.equals("41/live,"));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void deletingTheAccountEndsItsSocketsStreamsAndTokens() throws Exception {
        WebClient browser = browser("eve");
        String token = token("eve");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<Stream<String>> sse = http.send(HttpRequest.newBuilder(server.uri("/sse/live-test"))
                .header("Cookie", cookie(browser)).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(sse.statusCode()).isEqualTo(200);
        CompletableFuture<Void> sseEnded = CompletableFuture.runAsync(() -> {
            try {
                sse.body().forEach(line -> { });
            } catch (UncheckedIOException e) {
                // a reset connection: ended too
            }
        });
        try (RawSio byCookie = RawSio.open(cookie(browser)); RawSio byToken = RawSio.open(null)) {
            byCookie.connect("/live", new JsonObject());
            byToken.connect("/live", new JsonObject().put("token", token));

            assertThat(cli("", "user", "delete", "eve")).isZero();

            byCookie.event("nagare:session-ended");
            byCookie.expect(f -> f.equals("41/live,"));
            byToken.event("nagare:session-ended");
            byToken.expect(f -> f.equals("41/live,"));
            sseEnded.get(10, TimeUnit.SECONDS);
            assertThat(bearerWorks(token)).isFalse();
            assertThat(new JsonObject(browser.get("/api/auth/session").body()).getBoolean("authenticated")).isFalse();
        }
    }

    @Test
    void logoutEndsTheVideoAndAudioStreamsOpenedWithThatSession() throws Exception {
        WebClient browser = browser("gil");
        HttpClient http = HttpClient.newHttpClient();
        java.util.List<CompletableFuture<Long>> streams = new java.util.ArrayList<>();
        for (String path : new String[] {"/video_feed", "/audio_feed"}) {
            HttpResponse<java.io.InputStream> res = http.send(HttpRequest.newBuilder(server.uri(path))
                    .header("Cookie", cookie(browser)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(res.statusCode()).as(path).isEqualTo(200);
            streams.add(CompletableFuture.supplyAsync(() -> drain(res.body())));
        }
        Thread.sleep(300); // "still open" has no event to await: give a wrong early end the chance to show
        assertThat(streams).noneMatch(CompletableFuture::isDone); // live until ...
        assertThat(browser.logout().statusCode()).isEqualTo(303);
        for (CompletableFuture<Long> f : streams) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isPositive(); // ... the session ends
        }
    }

    /** Reads a stream to its end (or its reset); returns how many bytes came. */
    private static long drain(java.io.InputStream in) {
        long n = 0;
        byte[] buf = new byte[16 * 1024];
        try (in) {
            for (int r; (r = in.read(buf)) >= 0; ) {
                n += r;
            }
        } catch (java.io.IOException e) {
            // reset by the server: ended too
        }
        return n;
    }

    @Test
    void revokingATokenEndsTheSocketsThatCameWithItOnly() throws Exception {
        WebClient browser = browser("fay");
        Account fay = server.nagare().accounts().find("fay").await(10, TimeUnit.SECONDS).orElseThrow();
        Tokens.Created api = server.nagare().tokens().create(fay, "sensor", Set.of("publish:feed/*"), null)
                .await(10, TimeUnit.SECONDS);
        try (RawSio byToken = RawSio.open(null); RawSio byCookie = RawSio.open(cookie(browser))) {
            byToken.connect("/live", new JsonObject().put("token", api.secret()));
            byCookie.connect("/live", new JsonObject());

            assertThat(server.nagare().tokens().revoke(api.info().id()).await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(byToken.event("nagare:session-ended").getJsonObject(1).getString("reason")).isEqualTo("token revoked");
            byToken.expect(f -> f.equals("41/live,"));
            assertThat(byCookie.post("still here")).isEqualTo("[\"ok\"]");
        }
    }

    /** Waits until the server has seen socket {@code sid} go (its state is then kept for recovery). */
    private static void awaitGone(String namespace, String sid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.nagare().io().of(namespace).sockets().await(5, TimeUnit.SECONDS).containsKey(sid)) {
            assertThat(System.nanoTime()).as("socket %s still connected", sid).isLessThan(deadline);
            Thread.sleep(20); // polling the namespace's socket table, which has no event for a close
        }
    }

    /** A bare Engine.IO v4 / Socket.IO v5 client on a WebSocket: frames in, frames out, pings answered. */
    static final class RawSio implements WebSocket.Listener, AutoCloseable {
        final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        final java.util.List<String> frames = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket ws;
        private String namespace;
        private int nextAck = 1;

        static RawSio open(String cookie) throws Exception {
            RawSio c = new RawSio();
            URI uri = URI.create(server.baseUrl().replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket");
            WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
            if (cookie != null) {
                b.header("Cookie", cookie);
            }
            c.ws = b.buildAsync(uri, c).get(10, TimeUnit.SECONDS);
            c.expect(f -> f.startsWith("0{"));
            return c;
        }

        /** CONNECT to {@code ns} with {@code auth}; the CONNECT reply's data, or fails. */
        JsonObject connect(String ns, JsonObject auth) throws Exception {
            String outcome = connectOutcome(ns, auth);
            assertThat(outcome).as("connect to %s", ns).startsWith("40" + ns + ",");
            return new JsonObject(outcome.substring(("40" + ns + ",").length()));
        }

        /** CONNECT and return the reply frame: CONNECT ("40ns,...") or CONNECT_ERROR ("44ns,..."). */
        String connectOutcome(String ns, JsonObject auth) throws Exception {
            namespace = ns;
            send("40" + ns + "," + auth.encode());
            return expect(f -> f.startsWith("40" + ns + ",") || f.startsWith("44" + ns + ","));
        }

        /** Emits "post" with an ack and returns the ack's arguments (JSON). */
        String post(String text) throws Exception {
            int id = nextAck++;
            send("42" + namespace + "," + id + new JsonArray().add("post").add(text).encode());
            String prefix = "43" + namespace + "," + id;
            return expect(f -> f.startsWith(prefix)).substring(prefix.length());
        }

        /** The next event {@code name} to this namespace: [name, args...]. */
        JsonArray event(String name) throws Exception {
            String prefix = "42" + namespace + ",";
            String frame = expect(f -> f.startsWith(prefix) && new JsonArray(f.substring(prefix.length())).getString(0)
                    .equals(name));
            return new JsonArray(frame.substring(prefix.length()));
        }

        String expect(Predicate<String> test) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                String f = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (f == null) {
                    throw new AssertionError("no matching frame in 10 s; got " + frames);
                }
                if (test.test(f)) {
                    return f;
                }
            }
        }

        void send(String text) {
            ws.sendText(text, true).join();
        }

        /** Drops the connection as a network failure would (the server keeps the state for recovery). */
        void dropTransport() {
            ws.abort();
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                if (frame.equals("2")) {
                    webSocket.sendText("3", true);
                } else {
                    frames.add(frame);
                    queue.add(frame);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }

        @Override
        public void close() {
            ws.abort();
        }
    }
}
