package dev.nagare.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.server.Setting;
import dev.nagare.testing.RawHandshake;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One Origin rule for every WebSocket endpoint outside the engine. */
class SameOriginTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern"));

    @Test
    void theRuleIsTheEnginesSameHostAndPortOrAnAllowedOrigin() {
        List<String> none = List.of();
        assertThat(SameOrigin.allowed(null, "a.example:8080", none)).as("no Origin: not a browser").isTrue();
        assertThat(SameOrigin.allowed("http://a.example:8080", "a.example:8080", none)).isTrue();
        assertThat(SameOrigin.allowed("HTTPS://A.example:8080", "a.example:8080", none)).isTrue();
        assertThat(SameOrigin.allowed("http://a.example:8081", "a.example:8080", none)).as("another port").isFalse();
        assertThat(SameOrigin.allowed("http://evil.example/x://a.example:8080", "a.example:8080", none)).isFalse();
        assertThat(SameOrigin.allowed("null", "a.example:8080", none)).isFalse();
        assertThat(SameOrigin.allowed("http://a.example", null, none)).isFalse();
        assertThat(SameOrigin.allowed("https://b.example", "a.example", List.of("https://b.example"))).isTrue();
        assertThat(SameOrigin.allowed("https://c.example", "a.example", List.of("*"))).isTrue();
    }

    @Test
    void theCameraPublishingSocketRefusesAnotherOriginWith403AndAJsonReason() throws Exception {
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        String token = server.nagare().tokens().create(admin, "t", Set.of(), Duration.ofHours(1)).await().secret();
        RawHandshake.Answer refused = RawHandshake.upgrade(server, "/video/publish/cam2", "http://127.0.0.1:1", token);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("forbidden");
        assertThat(RawHandshake.upgrade(server, "/video/publish/cam2?fps=5", server.baseUrl(), token).status())
                .isEqualTo(101);
    }
}
