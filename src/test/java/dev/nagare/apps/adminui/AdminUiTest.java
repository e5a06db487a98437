package dev.nagare.apps.adminui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.NodeScript;
import dev.nagare.testing.SioClient;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server side of @socket.io/admin-ui 0.5.1, driven by the official Node client as the UI drives
 * it (src/test/js/admin-ui.mjs): the login with Nagare's admin accounts, the first events, the
 * events relayed from an ordinary namespace and the UI's commands. And the page itself, served from
 * the npm package without a CDN.
 */
class AdminUiTest {
    static final String ADMIN_PASSWORD = "admin ui test pass phrase 7";
    static final String USER_PASSWORD = "plain user test pass phrase 9";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.APPS, "none", Setting.ADMIN_UI, "true"));

    @BeforeAll
    static void accountsAndANamespace() throws Exception {
        server.nagare().accounts().create("boss", ADMIN_PASSWORD, Role.ADMIN).await(10, TimeUnit.SECONDS);
        server.nagare().accounts().create("carol", USER_PASSWORD, Role.USER).await(10, TimeUnit.SECONDS);
        server.nagare().io().of("/plain").onConnection(socket -> socket.on("enter", (args, ack) -> {
            socket.join((String) args.get(0));
            socket.emit("welcome", args.get(0));
            ack.send("ok");
        }));
    }

    @Test
    void theOfficialClientLogsInAsTheUiDoesAndSeesSocketsRoomsEventsAndStats() throws Exception {
        JsonObject r = NodeScript.run(java.time.Duration.ofSeconds(40), "admin-ui.mjs", server.baseUrl(),
                "boss", ADMIN_PASSWORD, "carol", USER_PASSWORD);

        // Refusals carry exactly the text the UI matches.
        assertThat(r.getString("wrongPassword")).isEqualTo("invalid credentials");
        assertThat(r.getString("notAnAdmin")).isEqualTo("invalid credentials");
        assertThat(r.getString("noSession")).isEqualTo("invalid credentials");
        assertThat(r.getString("unknownSession")).isEqualTo("invalid credentials");

        // session after CONNECT (where the UI listens), then config and all_sockets.
        assertThat(r.getString("sessionId")).matches("[0-9a-f]{32}");
        assertThat(r.getJsonArray("firstEvents").getList()).containsExactly("session", "config", "all_sockets");
        assertThat(r.getJsonObject("config").getJsonArray("supportedFeatures").getList()).containsExactly(
                "EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS");
        JsonObject self = r.getJsonArray("allSockets").stream().map(JsonObject.class::cast)
                .filter(s -> "/admin".equals(s.getString("nsp"))).findFirst().orElseThrow();
        assertThat(self.getString("clientId")).hasSize(12);
        assertThat(self.getString("transport")).isIn("polling", "websocket");
        assertThat(self.getJsonObject("data").containsKey("_admin")).isFalse();
        assertThat(self.getJsonArray("rooms").getString(0)).isEqualTo(self.getString("id"));
        assertThat(self.getJsonObject("handshake").getString("address")).isNotBlank();

        JsonObject stats = r.getJsonObject("stats");
        assertThat(stats.getString("serverId")).isEqualTo(stats.getString("hostname"));
        assertThat(stats.getLong("pid")).isEqualTo(ProcessHandle.current().pid());
        assertThat(stats.getDouble("uptime")).isPositive();
        assertThat(stats.getInteger("clientsCount")).isPositive();
        assertThat(stats.getJsonArray("namespaces").stream().map(JsonObject.class::cast).map(n -> n.getString("name")).toList())
                .contains("/", "/admin");

        // The ordinary namespace's client as the UI sees it.
        String clientId = r.getString("clientId");
        JsonObject connected = r.getJsonObject("socketConnected");
        assertThat(connected.getString("nsp")).isEqualTo("/plain");
        assertThat(connected.getJsonArray("rooms").getList()).containsExactly(clientId);
        assertThat(r.getJsonObject("socketUpdated").getMap()).containsEntry("nsp", "/plain");
        assertThat(r.getJsonArray("roomJoined").getList().subList(0, 3)).containsExactly("/plain", "lobby", clientId);
        assertThat(r.getJsonArray("roomJoined").getString(3)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(r.getJsonArray("eventReceived").getJsonArray(2).getList()).containsExactly("enter", "lobby");
        assertThat(r.getJsonArray("eventSent").getJsonArray(2).getList()).containsExactly("welcome", "lobby");

        // The UI's commands.
        assertThat(r.getJsonArray("joinedByUi").getString(1)).isEqualTo("vip");
        assertThat(r.getJsonArray("leftByUi").getString(1)).isEqualTo("vip");
        assertThat(r.getString("clientDisconnectReason")).isEqualTo("io server disconnect");
        assertThat(r.getJsonArray("socketDisconnected").getList().subList(0, 3))
                .containsExactly("/plain", clientId, "server namespace disconnect");
        List<String> types = r.getJsonObject("laterStats").getJsonArray("aggregatedEvents").stream()
                .map(JsonObject.class::cast).map(e -> e.getString("type")).toList();
        assertThat(types).contains("packetsIn", "packetsOut", "bytesIn", "bytesOut");

        // A reload with the stored session id needs no password.
        assertThat(r.getString("withSession")).isEqualTo("connected");
        assertThat(r.getJsonArray("serverIds").getList()).containsExactly(stats.getString("serverId"));
        // Neither the password nor the session id shows in the handshakes the UI lists.
        assertThat(r.getJsonArray("adminAuthShown").stream().map(JsonObject.class::cast).map(JsonObject::encode).toList())
                .contains("{\"username\":\"boss\"}", "{}");
    }

    @Test
    void aSessionIdNoLongerOpensTheUiOnceItsAccountIsGone() throws Exception {
        server.nagare().accounts().create("interim", ADMIN_PASSWORD, Role.ADMIN).await(10, TimeUnit.SECONDS);
        String sessionId;
        try (SioClient ui = SioClient.connect(server, "/admin", Map.of("username", "interim", "password", ADMIN_PASSWORD))) {
            sessionId = ui.next("session").getString("value");
        }
        try (SioClient again = SioClient.connect(server, "/admin", Map.of("sessionId", sessionId))) {
            assertThat(again.id()).isNotNull();
        }
        server.nagare().accounts().delete("interim").await(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> SioClient.connect(server, "/admin", Map.of("sessionId", sessionId)))
                .hasMessageContaining("invalid credentials");
    }

    @Test
    void aFloodOfEventsReachesTheAdminSocketsOnlyAtTheRelayRate() throws Exception {
        int flood = 3000;
        try (SioClient ui = SioClient.connect(server, "/admin", Map.of("username", "boss", "password", ADMIN_PASSWORD));
                SioClient plain = SioClient.connect(server, "/plain", Map.of())) {
            ui.next("socket_connected", s -> plain.id().equals(s.getString("id")));
            long t0 = System.nanoTime();
            for (int i = 0; i < flood; i++) {
                server.nagare().io().of("/plain").to(plain.id()).emit("tick", i);
            }
            plain.next("tick", e -> e.getString("value").equals(Integer.toString(flood - 1)));
            double seconds = (System.nanoTime() - t0) / 1e9;
            // Relays go out as they happen, so the second stats after this point follows all of them.
            ui.drain("server_stats");
            ui.next("server_stats");
            ui.next("server_stats");
            int relayed = ui.drain("event_sent").size();
            assertThat(relayed).isPositive().isLessThanOrEqualTo(
                    (int) (2 * AdminMonitor.RELAYED_EVENTS_PER_SECOND + AdminMonitor.RELAYED_EVENTS_PER_SECOND * (seconds + 1)));
            assertThat(relayed).as("relayed of %d in %.2f s", flood, seconds).isLessThan(flood);
        }
    }

    @Test
    void thePageIsServedFromTheNpmPackageWithoutCdnLinksUnderItsOwnPolicy() throws Exception {
        HttpResponse<String> page = server.get("/admin-ui/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Socket.IO Admin UI</title>", "mdi/css/materialdesignicons.min.css",
                "nagare-defaults.js").doesNotContain("https://");
        assertThat(page.headers().firstValue("content-security-policy")).hasValue(AdminUiRoutes.CONTENT_SECURITY_POLICY);
        for (String asset : List.of("js/app.0d7d7845.js", "js/chunk-vendors.934c03ff.js", "css/app.6e3b9661.css",
                "css/chunk-vendors.9f55d012.css", "img/logo-dark.3727fec5.svg", "favicon.png",
                "mdi/css/materialdesignicons.min.css", "mdi/fonts/materialdesignicons-webfont.woff2", "nagare-defaults.js")) {
            assertThat(server.get("/admin-ui/" + asset).statusCode()).as(asset).isEqualTo(200);
        }
        assertThat(server.get("/admin-ui").statusCode()).as("redirected to /admin-ui/").isIn(301, 302);
        assertThat(server.send(java.net.http.HttpRequest.newBuilder(server.uri("/admin-ui/"))
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(200);
        // The relaxed policy stays on the UI's own paths.
        assertThat(server.get("/health/live").headers().firstValue("content-security-policy").orElseThrow())
                .doesNotContain("unsafe-inline");
    }

    @Test
    void rewritingFailsLoudlyWhenThePackageLinksSomethingElse() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdminUiRoutes.rewrite("<html><head></head></html>"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("0.5.1");
    }
}
