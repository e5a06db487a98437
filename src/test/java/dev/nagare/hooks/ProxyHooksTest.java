package dev.nagare.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connect and publish proxies against a real backend (a JDK HTTP server) that allows, refuses,
 * rewrites, answers too late or fails; the failure mode here is the default, refuse.
 */
class ProxyHooksTest {
    static final BlockingQueue<JsonObject> asked = new LinkedBlockingQueue<>();
    static HttpServer backend;
    static TestServer server;
    private Socket client;

    @BeforeAll
    static void start() throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.setExecutor(Executors.newCachedThreadPool()); // a slow answer must not hold up the others
        backend.createContext("/hooks", ex -> {
            JsonObject in = new JsonObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            asked.add(in);
            String user = in.getString("user");
            String text = in.getString("text", "");
            JsonObject out = new JsonObject().put("result", "allow");
            int status = 200;
            if ("mallory".equals(user)) {
                out = new JsonObject().put("result", "refuse").put("reason", "banned");
            } else if ("slowpoke".equals(user)) {
                try {
                    Thread.sleep(1500); // past --proxy-timeout
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (text.contains("darn")) {
                out.put("text", text.replace("darn", "d**n"));
            } else if (text.contains("spam")) {
                out = new JsonObject().put("result", "refuse").put("reason", "no spam");
            } else if (text.contains("boom")) {
                status = 500;
            }
            byte[] bytes = out.encode().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        backend.start();
        String url = "http://127.0.0.1:" + backend.getAddress().getPort() + "/hooks";
        server = new TestServer(Map.of(Setting.PROXY_CONNECT_URL, url, Setting.PROXY_PUBLISH_URL, url,
                Setting.PROXY_TIMEOUT, "300", Setting.ADMIN_PASSWORD, "river stone lantern"));
        server.beforeAll(null);
        for (String user : new String[] {"alice", "mallory", "slowpoke"}) {
            server.nagare().accounts().create(user, "mountain cloud river", Role.USER).await(10, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.afterAll(null);
        }
        if (backend != null) {
            backend.stop(0);
        }
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private static String token(String user) throws Exception {
        Account a = server.nagare().accounts().find(user).await(10, TimeUnit.SECONDS).orElseThrow();
        return server.nagare().tokens().create(a, "test", Set.of(), Duration.ofHours(1)).await(10, TimeUnit.SECONDS).secret();
    }

    /** "connected", or the CONNECT_ERROR's message and data. */
    private String connect(String user) throws Exception {
        client = IO.socket(URI.create(server.baseUrl() + "/chat"), IO.Options.builder()
                .setTransports(new String[] {"websocket"}).setReconnection(false).setForceNew(true)
                .setAuth(Map.of("token", token(user))).build());
        CompletableFuture<String> outcome = new CompletableFuture<>();
        client.on(Socket.EVENT_CONNECT, a -> outcome.complete("connected"));
        client.on(Socket.EVENT_CONNECT_ERROR, a -> outcome.complete(a[0] instanceof JSONObject j
                ? j.optString("message") + " " + j.optJSONObject("data") : String.valueOf(a[0])));
        client.connect();
        return outcome.get(10, TimeUnit.SECONDS);
    }

    private JSONObject send(String text) throws Exception {
        CompletableFuture<JSONObject> ack = new CompletableFuture<>();
        client.emit("send", new Object[] {new JSONObject().put("room", "general").put("text", text)
                .put("clientId", "c-" + System.nanoTime())}, a -> ack.complete((JSONObject) a[0]));
        return ack.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theConnectProxyAdmitsRefusesWithItsReasonAndRefusesWhenItAnswersTooLate() throws Exception {
        asked.clear();
        assertThat(connect("alice")).isEqualTo("connected");
        assertThat(asked.poll(5, TimeUnit.SECONDS)).isEqualTo(new JsonObject().put("kind", "connect").put("user", "alice")
                .put("namespace", "/chat").put("address", "127.0.0.1"));
        client.close();
        assertThat(connect("mallory")).startsWith("refused").contains("\"reason\":\"banned\"", "REFUSED");
        client.close();
        long t0 = System.nanoTime();
        assertThat(connect("slowpoke")).startsWith("refused").contains(ProxyHooks.UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1400)); // the timeout, not the backend
    }

    @Test
    void thePublishProxyRewritesRefusesAndItsFailureRefusesTheMessage() throws Exception {
        assertThat(connect("alice")).isEqualTo("connected");
        assertThat(send("hello").getJSONObject("message").getString("text")).isEqualTo("hello");
        assertThat(send("oh darn").getJSONObject("message").getString("text")).isEqualTo("oh d**n");
        JSONObject spam = send("buy spam");
        assertThat(spam.getString("error")).isEqualTo("refused");
        assertThat(spam.getString("message")).isEqualTo("Not posted: no spam.");
        JSONObject failed = send("boom");
        assertThat(failed.getString("error")).isEqualTo("refused");
        assertThat(failed.getString("message")).isEqualTo("Not posted: " + ProxyHooks.UNAVAILABLE + ".");
        // What the backend saw of the rewritten one: the text as the user sent it.
        assertThat(asked).anyMatch(j -> j.equals(new JsonObject().put("kind", "publish").put("user", "alice")
                .put("room", "general").put("text", "oh darn")));
    }
}
