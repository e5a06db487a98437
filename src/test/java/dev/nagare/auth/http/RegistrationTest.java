package dev.nagare.auth.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.WebClient;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With --registration open, anyone can create an account through the form, within the policy. */
class RegistrationTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.REGISTRATION, "open"));

    private HttpResponse<String> register(WebClient c, String username, String password) {
        String csrf = WebClient.csrfFrom(c.get("/register").body());
        return c.postForm("/register", Map.of("username", username, "password", password, "csrf", csrf));
    }

    @Test
    void aNewUserRegistersAndIsLoggedInAsAUser() {
        WebClient c = new WebClient(server.baseUrl());
        assertThat(c.get("/login").body()).contains("href=\"/register\"");
        HttpResponse<String> res = register(c, "newcomer", "quiet harbour morning");
        assertThat(res.statusCode()).isEqualTo(303);
        JsonObject me = new JsonObject(c.get("/api/auth/session").body());
        assertThat(me.getString("username")).isEqualTo("newcomer");
        assertThat(me.getString("role")).isEqualTo("user");
    }

    @Test
    void weakPasswordsTakenNamesAndBadNamesAreRefusedOnTheForm() {
        WebClient c = new WebClient(server.baseUrl());
        assertThat(register(c, "weakling", "password1").body()).contains("This password is too common");
        assertThat(register(c, "shorty", "short").body()).contains("at least 8 characters");
        assertThat(register(c, "x", "quiet harbour morning").body()).contains("User name must be 3 to 32");
        register(c, "taken-name", "quiet harbour morning");
        WebClient other = new WebClient(server.baseUrl());
        HttpResponse<String> dup = register(other, "TAKEN-name", "another quiet phrase");
        assertThat(dup.statusCode()).isEqualTo(400);
        assertThat(dup.body()).contains("is taken");
    }
}
