package dev.nagare.auth.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Tokens;
import dev.nagare.auth.WebClient;
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
    void aLoggedOutCookieOrARevokedTokenNoLongerConnects() throws Exception {
        WebClient browser = new WebClient(server.baseUrl());
        browser.login("admin", PASSWORD);
        String cookie = "nagare_session=" + browser.cookies.get("nagare_session");
        browser.logout();
        assertThat(connect(IO.Options.builder().setExtraHeaders(Map.of("Cookie", List.of(cookie)))))
                .startsWith("unauthorized");
        client.close();

        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        Tokens.Created api = server.nagare().tokens().create(admin, "t", java.util.Set.of("join:*"), null)
                .await(10, TimeUnit.SECONDS);
        server.nagare().tokens().revoke(api.info().id()).await(10, TimeUnit.SECONDS);
        assertThat(connect(IO.Options.builder().setAuth(Map.of("token", api.secret())))).startsWith("unauthorized");
    }

    @Test
    void anOpenSocketIsToldWhyAndDisconnectedWhenItsLoginEnds() throws Exception {
        WebClient browser = new WebClient(server.baseUrl());
        browser.login("admin", PASSWORD);
        String cookie = "nagare_session=" + browser.cookies.get("nagare_session");
        assertThat(connect(IO.Options.builder().setExtraHeaders(Map.of("Cookie", List.of(cookie)))))
                .isEqualTo("connected");
        CompletableFuture<String> why = new CompletableFuture<>();
        CompletableFuture<String> disconnected = new CompletableFuture<>();
        client.on(SocketRevoker.EVENT, a -> why.complete(((JSONObject) a[0]).optString("reason")));
        client.on(Socket.EVENT_DISCONNECT, a -> disconnected.complete(String.valueOf(a[0])));
        browser.logout();
        assertThat(why.get(5, TimeUnit.SECONDS)).isEqualTo("logged out");
        // "io server disconnect": the official client does not try to reconnect on its own
        assertThat(disconnected.get(5, TimeUnit.SECONDS)).isEqualTo("io server disconnect");
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
