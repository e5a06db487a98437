package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The default namespace admits only authenticated clients: token in the auth payload or session cookie. */
class SocketAuthTest {
    static final String PASSWORD = "river stone lantern";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, PASSWORD));

    private Socket client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    /** Connects and completes with "connected" or the CONNECT_ERROR payload's message. */
    private String connect(io.socket.client.SocketOptionBuilder options) throws Exception {
        client = IO.socket(URI.create(server.baseUrl() + "/"), options
                .setTransports(new String[] {"websocket"}).setReconnection(false).setForceNew(true).build());
        CompletableFuture<String> outcome = new CompletableFuture<>();
        client.on(Socket.EVENT_CONNECT, a -> outcome.complete("connected"));
        client.on(Socket.EVENT_CONNECT_ERROR, a -> outcome.complete(a[0] instanceof JSONObject j
                ? j.optString("message") + " " + j.optJSONObject("data") : String.valueOf(a[0])));
        client.connect();
        return outcome.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anUnauthenticatedConnectGetsConnectErrorUnauthorized() throws Exception {
        assertThat(connect(IO.Options.builder())).startsWith("unauthorized").contains("UNAUTHORIZED");
    }

    @Test
    void aWrongTokenIsRefusedAndAValidTokenIsAdmitted() throws Exception {
        assertThat(connect(IO.Options.builder().setAuth(Map.of("token", "ngr_forged")))).startsWith("unauthorized");
        client.close();
        String token = new JsonObject(new WebClient(server.baseUrl()).postJson("/api/auth/token",
                new JsonObject().put("username", "admin").put("password", PASSWORD).encode()).body()).getString("token");
        assertThat(connect(IO.Options.builder().setAuth(Map.of("token", token)))).isEqualTo("connected");
    }

    @Test
    void theSessionCookieOfALoggedInBrowserIsAccepted() throws Exception {
        WebClient browser = new WebClient(server.baseUrl());
        browser.login("admin", PASSWORD);
        String cookie = "nagare_session=" + browser.cookies.get("nagare_session");
        assertThat(connect(IO.Options.builder().setExtraHeaders(Map.of("Cookie", List.of(cookie)))))
                .isEqualTo("connected");
    }
}
