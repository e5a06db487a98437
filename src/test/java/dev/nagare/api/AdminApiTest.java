package dev.nagare.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.testing.JavaClient;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /api/admin}: administrators manage accounts and tokens; nobody else may; every action is audited. */
class AdminApiTest {
    private static final String PASSWORD = "velvet thunder orchard";

    @RegisterExtension
    static final TestServer server = new TestServer();

    static String admin;

    @BeforeAll
    static void anAdministrator() throws Exception {
        admin = token("root", Role.ADMIN, Set.of());
    }

    private static String token(String user, Role role, Set<String> scopes) throws Exception {
        Account a = server.nagare().accounts().create(user, PASSWORD, role).await(10, TimeUnit.SECONDS);
        return server.nagare().tokens().create(a, "t", scopes, Duration.ofHours(1)).await(10, TimeUnit.SECONDS).secret();
    }

    private static HttpResponse<String> call(String token, String method, String path, JsonObject body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject ok(String method, String path, JsonObject body) throws Exception {
        HttpResponse<String> res = call(admin, method, path, body);
        assertThat(res.statusCode()).as(method + " " + path + ": " + res.body()).isEqualTo(200);
        return new JsonObject(res.body());
    }

    private static JsonObject user(String name) throws Exception {
        for (Object o : ok("GET", "/api/admin/users", null).getJsonArray("users")) {
            if (((JsonObject) o).getString("username").equals(name)) {
                return (JsonObject) o;
            }
        }
        return null;
    }

    @Test
    void onlyAdministratorsMayCallIt() throws Exception {
        assertThat(call(null, "GET", "/api/admin/users", null).statusCode()).isEqualTo(401);
        HttpResponse<String> user = call(token("plain", Role.USER, Set.of()), "GET", "/api/admin/users", null);
        assertThat(user.statusCode()).isEqualTo(403);
        // An admin's token scoped to something else is no key to the console.
        HttpResponse<String> scoped = call(token("scraper", Role.ADMIN, Set.of("read:metrics")), "POST", "/api/admin/users",
                new JsonObject().put("username", "sneaky").put("password", PASSWORD));
        assertThat(scoped.statusCode()).isEqualTo(403);
        assertThat(scoped.body()).contains("admin:console");
        assertThat(user("sneaky")).isNull();
    }

    @Test
    void accountsAreCreatedGrantedAndDeletedAndEachActionIsAudited() throws Exception {
        ok("POST", "/api/admin/users", new JsonObject().put("username", "carol").put("password", PASSWORD).put("role", "user"));
        ok("POST", "/api/admin/users/carol/grants", new JsonObject().put("right", "broadcast:video/*"));
        assertThat(user("carol").getJsonArray("grants")).containsExactly("broadcast:video/*");

        HttpResponse<String> bad = call(admin, "POST", "/api/admin/users/carol/grants", new JsonObject().put("right", "no colon"));
        assertThat(bad.statusCode()).isEqualTo(400);

        ok("DELETE", "/api/admin/users/carol/grants?right=" + URLEncoder.encode("broadcast:video/*", StandardCharsets.UTF_8), null);
        assertThat(user("carol").getJsonArray("grants")).isEmpty();
        ok("POST", "/api/admin/users/carol/password", new JsonObject().put("password", "amber willow lighthouse"));
        assertThat(server.nagare().accounts().authenticate("carol", "amber willow lighthouse").await(10, TimeUnit.SECONDS))
                .isPresent();
        ok("DELETE", "/api/admin/users/carol", null);
        assertThat(user("carol")).isNull();
        assertThat(call(admin, "DELETE", "/api/admin/users/carol", null).statusCode()).isEqualTo(404);
        assertThat(call(admin, "DELETE", "/api/admin/users/root", null).statusCode()).as("one's own account").isEqualTo(400);

        JsonArray audit = ok("GET", "/api/admin/audit", null).getJsonArray("actions");
        assertThat(audit.stream().map(o -> ((JsonObject) o).getString("action") + " " + ((JsonObject) o).getBoolean("ok")))
                .contains("create user true", "grant broadcast:video/* true", "grant no colon false",
                        "revoke broadcast:video/* true", "set password true", "delete user true", "delete user false");
        assertThat(audit.encode()).doesNotContain("amber willow lighthouse", PASSWORD);
    }

    @Test
    void aTokenSecretIsShownOnceAndRevokingItEndsItsUse() throws Exception {
        server.nagare().accounts().create("dave", PASSWORD, Role.USER).await(10, TimeUnit.SECONDS);
        JsonObject created = ok("POST", "/api/admin/tokens", new JsonObject().put("user", "dave").put("name", "ci")
                .put("scopes", new JsonArray().add("join:chat/general")).put("days", 7));
        String secret = created.getString("secret");
        assertThat(secret).isNotBlank();
        assertThat(call(secret, "GET", "/api/auth/session", null).body()).contains("\"username\":\"dave\"");
        String list = ok("GET", "/api/admin/tokens", null).encode();
        assertThat(list).contains("\"name\":\"ci\"").doesNotContain(secret);

        ok("DELETE", "/api/admin/tokens/" + created.getLong("id"), null);
        assertThat(call(secret, "GET", "/api/auth/session", null).body()).contains("\"authenticated\":false");
        assertThat(call(admin, "POST", "/api/admin/tokens", new JsonObject().put("user", "nobody").put("name", "x"))
                .statusCode()).isEqualTo(404);
    }

    @Test
    void disablingAUserEndsTheirSocketAndTheirTokenUntilEnabledAgain() throws Exception {
        String frank = token("frank", Role.USER, Set.of());
        io.socket.client.Socket s = JavaClient.connect(server.baseUrl() + "/", frank);
        CompletableFuture<Void> gone = new CompletableFuture<>();
        s.on(io.socket.client.Socket.EVENT_DISCONNECT, a -> gone.complete(null));

        ok("POST", "/api/admin/users/frank/disable", null);
        gone.get(10, TimeUnit.SECONDS);
        assertThat(user("frank").getBoolean("disabled")).isTrue();
        assertThat(call(frank, "GET", "/api/auth/session", null).body()).contains("\"authenticated\":false");
        assertThat(call(admin, "POST", "/api/admin/users/root/disable", null).statusCode()).as("oneself").isEqualTo(400);

        ok("POST", "/api/admin/users/frank/enable", null);
        assertThat(user("frank").getBoolean("disabled")).isFalse();
        assertThat(call(frank, "GET", "/api/auth/session", null).body()).contains("\"username\":\"frank\"");
        s.close();
    }

    @Test
    void endingAUsersLoginsDisconnectsTheirLiveSockets() throws Exception {
        String erin = token("erin", Role.USER, Set.of());
        io.socket.client.Socket s = JavaClient.connect(server.baseUrl() + "/", erin);
        CompletableFuture<String> gone = new CompletableFuture<>();
        s.on(io.socket.client.Socket.EVENT_DISCONNECT, a -> gone.complete(String.valueOf(a.length > 0 ? a[0] : "")));

        ok("POST", "/api/admin/users/erin/logout", null);
        assertThat(gone.get(10, TimeUnit.SECONDS)).isNotBlank();
        s.close();
    }
}
