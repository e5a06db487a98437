package dev.nagare.auth.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.socketio.Namespace;
import dev.nagare.testing.TestServer;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rights by role, grant and token scope, checked by the Socket.IO guard at connect and on every event. */
class RightsTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern"));

    static final BlockingQueue<String> pushed = new LinkedBlockingQueue<>();
    private Socket client;

    @BeforeAll
    static void setUp() throws Exception {
        Namespace feeds = server.nagare().io().of("/feeds-test");
        feeds.use(server.nagare().socketAuth().connect());
        feeds.use(SocketIoGuard.requireRight("join", "feeds"));
        feeds.on("connection", socket -> {
            socket.use(SocketIoGuard.requireOnEvent("push", "push", args -> "feed/" + args.get(0)));
            socket.on("push", (args, ack) -> {
                pushed.add(args.get(0) + "=" + args.get(1));
                ack.send("ok");
            });
        });
        server.nagare().accounts().create("sensor", "mountain cloud river", Role.USER).await(10, TimeUnit.SECONDS);
        server.nagare().accounts().create("viewer", "mountain cloud river", Role.GUEST).await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private String token(String user, Set<String> scopes) throws Exception {
        Account a = server.nagare().accounts().find(user).await(10, TimeUnit.SECONDS).orElseThrow();
        return server.nagare().tokens().create(a, "test", scopes, Duration.ofHours(1)).await(10, TimeUnit.SECONDS).secret();
    }

    private String connect(String token) throws Exception {
        client = IO.socket(URI.create(server.baseUrl() + "/feeds-test"), IO.Options.builder()
                .setTransports(new String[] {"websocket"}).setReconnection(false).setForceNew(true)
                .setAuth(Map.of("token", token)).build());
        CompletableFuture<String> outcome = new CompletableFuture<>();
        client.on(Socket.EVENT_CONNECT, a -> outcome.complete("connected"));
        client.on(Socket.EVENT_CONNECT_ERROR, a -> outcome.complete(((JSONObject) a[0]).optString("message")));
        client.connect();
        return outcome.get(10, TimeUnit.SECONDS);
    }

    private Object push(String feed) throws Exception {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        client.on("nagare:error", a -> reply.complete(a[0].toString()));
        client.emit("push", new Object[] {feed, 42}, a -> reply.complete(a[0]));
        return reply.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aScopedTokenMayPushOnlyToTheFeedsItsScopeNames() throws Exception {
        server.nagare().accounts().grant("sensor", "push:feed/*").await(10, TimeUnit.SECONDS);
        assertThat(connect(token("sensor", Set.of("join:feeds", "push:feed/prices*")))).isEqualTo("connected");
        assertThat(push("prices")).isEqualTo("ok");
        assertThat(pushed.poll(5, TimeUnit.SECONDS)).isEqualTo("prices=42");
        assertThat(push("weather").toString()).contains("forbidden", "push:feed/weather");
        assertThat(pushed).isEmpty();
    }

    @Test
    void aTokenCannotDoMoreThanItsAccount() throws Exception {
        // the guest account has no push right, whatever the token's scopes say
        assertThat(connect(token("viewer", Set.of("*")))).isEqualTo("connected");
        assertThat(push("prices").toString()).contains("forbidden");
    }

    @Test
    void aTokenWithoutTheJoinScopeIsRefusedAtConnect() throws Exception {
        assertThat(connect(token("sensor", Set.of("push:feed/*")))).isEqualTo("forbidden");
    }
}
