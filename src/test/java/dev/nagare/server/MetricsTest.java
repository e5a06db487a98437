package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.testing.JavaClient;
import dev.nagare.testing.TestServer;
import io.socket.client.IO;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /metrics}: the counts match what is connected, and only read:metrics may read them. */
class MetricsTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of());

    private static String token(String user, Role role, Set<String> scopes) throws Exception {
        var accounts = server.nagare().accounts();
        Account a = accounts.create(user, "velvet thunder orchard", role).await(10, TimeUnit.SECONDS);
        return server.nagare().tokens().create(a, "metrics", scopes, Duration.ofHours(1)).await(10, TimeUnit.SECONDS).secret();
    }

    private static HttpResponse<String> metrics(String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(text);
        assertThat(m.find()).as("%s in%n%s", series, text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void sevenConnectedClientsReadSevenAndNoneOnceTheyLeave() throws Exception {
        String prometheus = token("prometheus", Role.ADMIN, Set.of("read:metrics"));
        server.nagare().io().of("/metered");
        List<io.socket.client.Socket> clients = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            clients.add(connect("/metered"));
        }
        String text = metrics(prometheus).body();
        assertThat(value(text, "nagare_socketio_sockets{namespace=\"/metered\"}")).isEqualTo(7);
        assertThat(value(text, "nagare_engine_sessions{transport=\"websocket\"}")).isGreaterThanOrEqualTo(7);
        assertThat(text).contains("jvm_memory_used_bytes", "process_uptime_seconds");

        clients.forEach(io.socket.client.Socket::close);
        // The server sees the closes a moment later: ask until it reports them (nothing announces it).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value(metrics(prometheus).body(), "nagare_socketio_sockets{namespace=\"/metered\"}") != 0) {
            assertThat(System.nanoTime()).as("the sockets left").isLessThan(deadline);
            Thread.sleep(50); // see above: the server announces no close
        }
    }

    @Test
    void loginsAreCountedByOutcome() throws Exception {
        String prometheus = token("prometheus-logins", Role.ADMIN, Set.of("read:metrics"));
        String before = metrics(prometheus).body();
        double ok = value(before, "nagare_logins_total{outcome=\"success\"}");
        double bad = value(before, "nagare_logins_total{outcome=\"failure\"}");
        server.nagare().accounts().create("counted", "velvet thunder orchard", Role.USER).await(10, TimeUnit.SECONDS);
        for (String password : new String[] {"velvet thunder orchard", "not the password at all"}) {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/auth/token"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"username\":\"counted\",\"password\":\"" + password + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        String after = metrics(prometheus).body();
        assertThat(value(after, "nagare_logins_total{outcome=\"success\"}")).isEqualTo(ok + 1);
        assertThat(value(after, "nagare_logins_total{outcome=\"failure\"}")).isEqualTo(bad + 1);
    }

    @Test
    void broadcastsDeliveriesPacketsAndAcksAreCounted() throws Exception {
        String prometheus = token("prometheus-traffic", Role.ADMIN, Set.of("read:metrics"));
        var ns = server.nagare().io().of("/traffic");
        List<io.socket.client.Socket> clients = new ArrayList<>();
        CompletableFuture<dev.nagare.socketio.Socket> first = new CompletableFuture<>();
        ns.onConnection(first::complete);
        List<CompletableFuture<Void>> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            io.socket.client.Socket s = connect("/traffic");
            CompletableFuture<Void> tick = new CompletableFuture<>();
            s.on("tick", a -> tick.complete(null));
            s.on("ask", a -> ((io.socket.client.Ack) a[a.length - 1]).call("yes"));
            got.add(tick);
            clients.add(s);
        }
        String before = metrics(prometheus).body();
        ns.emit("tick", "hello");
        CompletableFuture.allOf(got.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        first.get(10, TimeUnit.SECONDS).emitWithAck("ask").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String after = metrics(prometheus).body();

        assertThat(value(after, "nagare_socketio_broadcasts_total") - value(before, "nagare_socketio_broadcasts_total")).isEqualTo(1);
        assertThat(value(after, "nagare_socketio_deliveries_total") - value(before, "nagare_socketio_deliveries_total")).isEqualTo(3);
        // Three ticks and one question out, one answer in (heartbeats may add to either).
        assertThat(value(after, "nagare_engine_packets_total{direction=\"out\"}")
                - value(before, "nagare_engine_packets_total{direction=\"out\"}")).isGreaterThanOrEqualTo(4);
        assertThat(value(after, "nagare_engine_packets_total{direction=\"in\"}")
                - value(before, "nagare_engine_packets_total{direction=\"in\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(after, "nagare_engine_bytes_total{direction=\"out\"}")
                - value(before, "nagare_engine_bytes_total{direction=\"out\"}")).isGreaterThanOrEqualTo(3 * "42[\"tick\",\"hello\"]".length());
        assertThat(value(after, "nagare_socketio_ack_latency_seconds_count")
                - value(before, "nagare_socketio_ack_latency_seconds_count")).isEqualTo(1);

        clients.forEach(io.socket.client.Socket::close);
    }

    @Test
    void refusedConnectionsAreCountedByWhoRefused() throws Exception {
        String prometheus = token("prometheus-refusals", Role.ADMIN, Set.of("read:metrics"));
        server.nagare().io().of("/closed").use(socket -> io.vertx.core.Future.failedFuture(
                new dev.nagare.socketio.ConnectError("closed today", null)));
        String before = metrics(prometheus).body();
        for (String nsp : List.of("/closed", "/no-such-namespace")) {
            io.socket.client.Socket s = IO.socket(URI.create(server.baseUrl() + nsp), IO.Options.builder()
                    .setTransports(new String[] {"websocket"}).setReconnection(false).setForceNew(true).build());
            CompletableFuture<Void> refused = new CompletableFuture<>();
            s.on(io.socket.client.Socket.EVENT_CONNECT_ERROR, a -> refused.complete(null));
            s.connect();
            refused.get(10, TimeUnit.SECONDS);
            s.close();
        }
        HttpResponse<String> foreign = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + "/socket.io/?EIO=4&transport=polling")).header("Origin", "https://elsewhere.example")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(403);
        String after = metrics(prometheus).body();
        for (String reason : List.of("middleware", "namespace")) {
            String series = "nagare_socketio_refusals_total{reason=\"" + reason + "\"}";
            assertThat(value(after, series) - value(before, series)).as(series).isEqualTo(1);
        }
        // The origin refusal is this class's only one: the series starts with it.
        assertThat(value(after, "nagare_engine_refusals{reason=\"origin\"}")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theStoreTheEventLoopAndTheModulesReport() throws Exception {
        String prometheus = token("prometheus-modules", Role.ADMIN, Set.of("read:metrics"));
        String before = metrics(prometheus).body();
        server.nagare().accounts().create("stored", "velvet thunder orchard", Role.USER).await(10, TimeUnit.SECONDS);
        // The event loop's lag is a histogram with its buckets from the start.
        String after = metrics(prometheus).body();
        assertThat(value(after, "nagare_store_transactions_seconds_count")
                - value(before, "nagare_store_transactions_seconds_count")).isGreaterThanOrEqualTo(1);
        assertThat(value(after, "nagare_store_errors_total")).isZero();
        assertThat(after).contains("nagare_eventloop_lag_seconds_bucket");

        // A viewer on the default video stream is counted while it watches.
        String viewer = token("viewer", Role.USER, Set.of());
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<java.io.InputStream> mjpeg = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/video/default"))
                .header("Authorization", "Bearer " + viewer).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(mjpeg.statusCode()).isEqualTo(200);
        mjpeg.body().read(new byte[1024]); // the first part arrived: the viewer is in the stream
        assertThat(value(metrics(prometheus).body(), "nagare_video_viewers{stream=\"default\"}")).isEqualTo(1);
        mjpeg.body().close();
        String modules = metrics(prometheus).body();
        assertThat(modules).contains("nagare_audio_listeners{stream=\"default\"}", "nagare_game_players",
                "nagare_game_tick_duration_seconds_count", "nagare_sse_retained_bytes{kind=\"limit\"}",
                "nagare_engine_closes{");
    }

    private static io.socket.client.Socket connect(String nsp) throws Exception {
        return JavaClient.connect(server.baseUrl() + nsp, null);
    }

    @Test
    void everySeriesTheGrafanaDashboardNamesIsServed() throws Exception {
        String prometheus = token("prometheus-grafana", Role.ADMIN, Set.of("read:metrics"));
        // Session ends are listed by reason once there is one: end one.
        server.nagare().io().of("/ending");
        connect("/ending").close();
        String text = metrics(prometheus).body();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!text.contains("nagare_engine_closes{")) {
            assertThat(System.nanoTime()).as("the session end is counted").isLessThan(deadline);
            Thread.sleep(50); // the server announces no close: ask again
            text = metrics(prometheus).body();
        }
        var dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                java.nio.file.Path.of("docs/grafana/nagare-dashboard.json").toFile());
        java.util.Set<String> named = new java.util.TreeSet<>();
        for (var panel : dashboard.get("panels")) {
            for (var target : panel.get("targets")) {
                Matcher m = Pattern.compile("nagare_[a-z_]+").matcher(target.get("expr").asText());
                while (m.find()) {
                    named.add(m.group());
                }
            }
        }
        assertThat(named).hasSizeGreaterThan(15);
        named.remove("nagare_cluster_subscribed"); // served by cluster nodes only
        for (String series : named) {
            assertThat(Pattern.compile("^" + Pattern.quote(series) + "[{ ]", Pattern.MULTILINE).matcher(text).find())
                    .as("the dashboard's %s is served", series).isTrue();
        }
    }

    @Test
    void onlyTheRightReadMetricsMayReadThem() throws Exception {
        assertThat(metrics(null).statusCode()).isEqualTo(401);
        HttpResponse<String> user = metrics(token("someone", Role.USER, Set.of()));
        assertThat(user.statusCode()).isEqualTo(403);
        assertThat(user.body()).contains("read:metrics");
    }
}
