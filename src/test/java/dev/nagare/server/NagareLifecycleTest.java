package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NagareLifecycleTest {
    @TempDir
    Path dir;

    @Test
    void drainingTurnsReadinessDownBeforeRealtimeSessionsAreClosedWithAReason() throws Exception {
        Nagare nagare = Nagare.create(ServerConfig.defaults().withPort(0).withDataDir(dir)).start();
        HttpClient http = HttpClient.newHttpClient();
        URI ready = URI.create(nagare.baseUrl() + "/health/ready");
        assertThat(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);

        CompletableFuture<String> reasonSeen = new CompletableFuture<>();
        CompletableFuture<HttpResponse<String>> readinessWhileDraining = new CompletableFuture<>();
        nagare.onDrain(reason -> {
            reasonSeen.complete(reason);
            return Future.fromCompletionStage(http.sendAsync(HttpRequest.newBuilder(ready).build(),
                    HttpResponse.BodyHandlers.ofString()).thenAccept(readinessWhileDraining::complete));
        });
        nagare.stop();

        assertThat(reasonSeen.get()).isEqualTo("server shutting down");
        HttpResponse<String> res = readinessWhileDraining.get();
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(res.body()).getString("status")).isEqualTo("DRAINING");
    }

    @Test
    void aDrainDelayKeepsServingWithReadinessDownBeforeSessionsAreClosed() throws Exception {
        Nagare nagare = Nagare.create(ConfigResolver.resolve(Map.of(Setting.DRAIN_DELAY, "2"), Map.of())
                .withPort(0).withDataDir(dir)).start();
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<String> closed = new CompletableFuture<>();
        nagare.onDrain(reason -> {
            closed.complete(reason);
            return Future.succeededFuture();
        });
        Thread stopping = new Thread(nagare::stop, "stopping");
        stopping.start();
        // What a load balancer's check sees on a new connection meanwhile (polled: the server announces nothing).
        HttpResponse<String> res = null;
        long deadline = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() < deadline) {
            res = http.send(HttpRequest.newBuilder(URI.create(nagare.baseUrl() + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() == 503) {
                break;
            }
            Thread.sleep(20); // polling readiness: nothing announces the drain to a client
        }
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(res.body()).getString("status")).isEqualTo("DRAINING");
        assertThat(closed).as("sessions are closed only after the delay").isNotDone();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(nagare.baseUrl() + "/health/live")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        stopping.join(30_000);
        assertThat(closed.getNow(null)).isEqualTo("server shutting down");
    }

    @Test
    void stopIsIdempotent() {
        Nagare nagare = Nagare.create(ServerConfig.defaults().withPort(0).withDataDir(dir)).start();
        nagare.stop();
        nagare.stop();
        assertThat(nagare.store().ping().failed()).isTrue();
    }
}
