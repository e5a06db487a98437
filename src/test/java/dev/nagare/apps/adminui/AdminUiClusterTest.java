package dev.nagare.apps.adminui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Role;
import dev.nagare.server.ConfigResolver;
import dev.nagare.server.Nagare;
import dev.nagare.server.Setting;
import dev.nagare.testing.NodeScript;
import dev.nagare.testing.RedisServer;
import dev.nagare.testing.SioClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two nodes over Redis, the Admin UI logged in on the first: it lists the second node's sockets
 * (fetchSockets across nodes, clientId and transport from their data's _admin), shows both servers,
 * hears the second node's socket, room and event changes, and its commands reach sockets there.
 */
class AdminUiClusterTest {

    private static Nagare node(RedisServer redis, String name) throws Exception {
        return Nagare.create(ConfigResolver.resolve(Map.of(Setting.CLUSTER, redis.url(), Setting.APPS, "none",
                Setting.ADMIN_UI, "true"), Map.of()).withPort(0).withDataDir(Files.createTempDirectory("nagare-" + name))).start();
    }

    @Test
    void theUiOnOneNodeSeesAndCommandsTheOtherNodesSockets() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            Nagare a = node(redis, "admin-a");
            Nagare b = node(redis, "admin-b");
            try {
                a.accounts().create("boss", AdminUiTest.ADMIN_PASSWORD, Role.ADMIN).await(10, TimeUnit.SECONDS);
                a.accounts().create("carol", AdminUiTest.USER_PASSWORD, Role.USER).await(10, TimeUnit.SECONDS);
                a.io().of("/plain"); // the namespace exists on both nodes, as an app's would
                b.io().of("/plain").onConnection(socket -> socket.on("enter", (args, ack) -> {
                    socket.join((String) args.get(0));
                    socket.emit("welcome", args.get(0));
                    ack.send("ok");
                }));
                try (SioClient earlier = SioClient.connect(b.baseUrl(), "/plain", Map.of())) {
                    JsonObject r = NodeScript.run(java.time.Duration.ofSeconds(40), "admin-ui.mjs", a.baseUrl(),
                            "boss", AdminUiTest.ADMIN_PASSWORD, "carol", AdminUiTest.USER_PASSWORD, b.baseUrl());

                    JsonObject listed = r.getJsonArray("allSockets").stream().map(JsonObject.class::cast)
                            .filter(s -> earlier.id().equals(s.getString("id"))).findFirst().orElseThrow();
                    assertThat(listed.getString("nsp")).isEqualTo("/plain");
                    assertThat(listed.getString("clientId")).hasSize(12);
                    assertThat(listed.getString("transport")).isEqualTo("websocket");
                    assertThat(listed.getJsonObject("data").containsKey("_admin")).isFalse();
                    List<Object> servers = r.getJsonArray("serverIds").getList();
                    assertThat(servers).hasSize(2).allMatch(id -> ((String) id).contains("#"));

                    String clientId = r.getString("clientId");
                    assertThat(r.getJsonObject("socketConnected").getString("id")).isEqualTo(clientId);
                    assertThat(r.getJsonArray("roomJoined").getString(1)).isEqualTo("lobby");
                    assertThat(r.getJsonArray("eventReceived").getJsonArray(2).getList()).containsExactly("enter", "lobby");
                    assertThat(r.getJsonArray("joinedByUi").getString(1)).isEqualTo("vip");
                    assertThat(r.getString("clientDisconnectReason")).isEqualTo("io server disconnect");
                    assertThat(r.getJsonArray("socketDisconnected").getString(2)).isEqualTo("server namespace disconnect");
                }
            } finally {
                b.stop();
                a.stop();
            }
        }
    }
}
