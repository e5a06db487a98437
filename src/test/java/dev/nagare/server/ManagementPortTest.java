package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code --management-port}: health and metrics on an event loop of their own, answered while the
 * engine's loop (where every connection of the main port lives) is held up.
 */
class ManagementPortTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.MANAGEMENT_PORT, "0"));

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static String management(String path) {
        assertThat(server.nagare().managementPort()).isPositive().isNotEqualTo(server.nagare().port());
        return "http://127.0.0.1:" + server.nagare().managementPort() + path;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAndMetricsAnswerThereAndNothingElse() throws Exception {
        HttpResponse<String> live = get(management("/health/live"));
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(live.body()).getString("status")).isEqualTo("UP");
        assertThat(get(management("/health/ready")).statusCode()).isEqualTo(200);
        // On loopback a scraper needs no token there; the main port still asks for one.
        HttpResponse<String> metrics = get(management("/metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("nagare_engine_sessions", "jvm_memory_used_bytes");
        assertThat(get(server.baseUrl() + "/metrics").statusCode()).isEqualTo(401);
        for (String other : new String[] {"/", "/api/admin/users", "/socket.io/?EIO=4&transport=polling", "/login"}) {
            assertThat(get(management(other)).statusCode()).as(other).isEqualTo(404);
        }
    }

    @Test
    void healthAnswersWhileTheEnginesLoopIsHeldUp() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Stands for a flood on the main port: the engine's loop does nothing else until released.
        server.nagare().io().engine().context().runOnContext(v -> {
            holding.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<HttpResponse<String>> mainPort;
        try {
            mainPort = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health/live"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get(management("/health/live")).statusCode()).isEqualTo(200);
            // The main port shares the held loop: it cannot have answered.
            assertThat(mainPort).isNotDone();
        } finally {
            release.countDown();
        }
        assertThat(mainPort.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
}
