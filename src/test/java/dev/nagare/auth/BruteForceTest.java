package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Password guessing is throttled, for the form and for the token API alike (own server: it locks the address). */
class BruteForceTest {
    static final String PASSWORD = "river stone lantern";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, PASSWORD));

    @Test
    void afterFiveWrongPasswordsEvenTheRightOneIsRefusedWith429AndRetryAfter() {
        WebClient c = new WebClient(server.baseUrl());
        for (int i = 0; i < 5; i++) {
            assertThat(c.login("admin", "guess number " + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> sixth = c.login("admin", "guess number 5");
        assertThat(sixth.statusCode()).isEqualTo(401); // the sixth failure starts the lock-out
        HttpResponse<String> locked = c.login("admin", PASSWORD);
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        assertThat(locked.body()).contains("Too many failed attempts");
        assertThat(c.cookies).doesNotContainKey("nagare_session");

        HttpResponse<String> api = c.postJson("/api/auth/token",
                new JsonObject().put("username", "admin").put("password", PASSWORD).encode());
        assertThat(api.statusCode()).isEqualTo(429);
        assertThat(new JsonObject(api.body()).getString("error")).isEqualTo("too_many_requests");
    }
}
