package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.store.StoreConfig;
import dev.nagare.testing.HaproxyServer;
import dev.nagare.testing.NagareProcess;
import dev.nagare.testing.NginxServer;
import dev.nagare.testing.NodePeer;
import dev.nagare.testing.PostgresServer;
import dev.nagare.testing.RedisServer;
import dev.nagare.testing.Tools;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged Nagare nodes (one Redis for the cluster, one PostgreSQL database for accounts and
 * chat) behind HAProxy running the shipped deploy/haproxy.cfg, used by the official socket.io
 * client through the balancer only (src/test/js/lb-clients.mjs). The steps run in order on the same
 * cluster, each leaving it as the next expects: failures are played in the order pause, Redis
 * restart, kill -9, SIGTERM, so that the last two still have other nodes to fall back on. One step
 * runs the shipped deploy/nginx.conf in front of the same nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancerIT {
    private static final String PASSWORD = "load balancer pass phrase 7";
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final List<String> ALL = List.of("ws-n1", "ws-n2", "ws-n3", "poll-up", "poll-only");

    @TempDir
    static Path dir; // static: an instance field is not yet injected when @BeforeAll runs

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<NagareProcess> nodes = new ArrayList<>();
    private final List<String> nodeUrls = new ArrayList<>();
    private final List<String> clientNames = new ArrayList<>(ALL);
    private RedisServer redis;
    private final List<Integer> ports = new ArrayList<>();
    private HaproxyServer haproxy;
    private NginxServer nginx;
    private NodePeer clients;

    @BeforeAll
    void startTheCluster() throws Exception {
        Tools.require("haproxy", "apt-get install haproxy", "/usr/sbin/haproxy", "/usr/local/sbin/haproxy");
        redis = RedisServer.start();
        PostgresServer pg = PostgresServer.shared();
        StoreConfig db = pg.newDatabase(dir);
        String store = pg.url(db.jdbcUrl().substring(db.jdbcUrl().lastIndexOf('/') + 1));
        Map<String, String> env = Map.of("NAGARE_STORE_PASSWORD", pg.password());
        // The account exists before any node starts, in the shared store: every node knows it.
        NagareProcess.run(dir, env, PASSWORD + "\n", List.of("user", "add", "alice", "--password-stdin", "--store", store));
        for (int i = 1; i <= 3; i++) {
            nodes.add(NagareProcess.start("n" + i, dir, env, List.of("--port", "0", "--data-dir", "data-n" + i,
                    "--apps", "chat", "--cluster", redis.url(), "--store", store, "--store-pool", "2",
                    "--trusted-proxies", "127.0.0.1", "--shutdown-timeout", "2", "--drain-delay", "4",
                    "--access-log", "true"))); // the log says which node nginx sent an address to
        }
        for (NagareProcess node : nodes) {
            String url = node.awaitReady();
            nodeUrls.add(url);
            ports.add(URI.create(url).getPort());
        }
        haproxy = HaproxyServer.start(ports);
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(haproxy.url() + "/api/auth/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", "alice")
                        .put("password", PASSWORD).encode())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        clients = NodePeer.start("lb-clients.mjs", haproxy.url(), new JsonObject(login.body()).getString("token"));
        clients.await(o -> o.containsKey("started"));
    }

    @AfterAll
    void stopTheCluster() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {clients, haproxy, nginx}) {
            if (c != null) {
                c.close();
            }
        }
        for (NagareProcess node : nodes) {
            // In the test's output file (target/failsafe-reports), for whoever reads a failure.
            System.out.println("--- node " + node.name() + " ---\n" + String.join("\n", node.lines()));
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void pollingAndWebSocketClientsConnectThroughTheBalancer() throws Exception {
        for (int i = 1; i <= 3; i++) { // pinned through the balancer's cookie: one client on each node
            JsonObject r = open(new JsonObject().put("name", "ws-n" + i).put("transports", List.of("websocket"))
                    .put("node", "n" + i));
            assertThat(r.getString("transport")).isEqualTo("websocket");
        }
        // Long-polling needs every request of a session on one node: HAProxy's cookie does it.
        JsonObject up = open(new JsonObject().put("name", "poll-up"));
        assertThat(up.getString("node")).isIn("n1", "n2", "n3");
        clients.await(o -> "poll-up".equals(o.getString("client")) && "websocket".equals(o.getString("upgraded")), LIMIT);
        JsonObject only = open(new JsonObject().put("name", "poll-only").put("transports", List.of("polling")));
        assertThat(only.getString("transport")).isEqualTo("polling");
        assertThat(only.getString("node")).isIn("n1", "n2", "n3");
    }

    @Test
    @Order(2)
    void aMessageSentOnOneNodeReachesClientsOnEveryNode() throws Exception {
        broadcast("ws-n1", "sent on n1", clientNames);
        broadcast("poll-only", "sent by long-polling", clientNames);
        // A Node.js socket.io 4.8 server with @socket.io/redis-adapter on the same Redis is one more node.
        try (NodePeer nodeServer = NodePeer.start("cluster-peer.mjs", redis.url(), "-")) {
            nodeServer.await(o -> o.containsKey("ready"), LIMIT);
            nodeServer.call(new JsonObject().put("op", "emit").put("nsp", "/chat").put("event", "message")
                    .put("rooms", new io.vertx.core.json.JsonArray().add("general"))
                    .put("args", new io.vertx.core.json.JsonArray().add(new JsonObject().put("room", "general")
                            .put("text", "from a Node server").put("user", "node"))));
            for (String name : clientNames) {
                awaitMessage(name, "from a Node server");
            }
        }
    }

    @Test
    @Order(3)
    void nginxWithTheShippedConfigAlsoCarriesBroadcastsAcrossNodes() throws Exception {
        nginx = NginxServer.start(ports);
        // nginx picks the node by the client's address: probe loopback addresses until they cover the
        // nodes (each node's access log names the addresses it served), then connect a client from each.
        Map<String, String> addressOfNode = new LinkedHashMap<>();
        for (int i = 2; i < 40 && addressOfNode.size() < 3; i++) {
            String address = "127.0.0." + i;
            addressOfNode.putIfAbsent(probe(address), address);
        }
        assertThat(addressOfNode).as("nodes nginx sent the probes to").hasSizeGreaterThanOrEqualTo(2);
        List<String> viaNginx = new ArrayList<>();
        for (Map.Entry<String, String> e : addressOfNode.entrySet()) {
            String name = "nginx-" + e.getKey();
            open(new JsonObject().put("name", name).put("url", nginx.url()).put("transports", List.of("websocket"))
                    .put("localAddress", e.getValue()));
            viaNginx.add(name);
        }
        List<String> everyone = new ArrayList<>(viaNginx);
        everyone.addAll(List.of("ws-n1", "ws-n2", "ws-n3"));
        broadcast(viaNginx.get(0), "sent through nginx", everyone);
        for (String name : viaNginx) {
            clients.call(new JsonObject().put("op", "close").put("name", name));
        }
    }

    /** GET /health/live through nginx from {@code address}; the node whose access log shows it. */
    private String probe(String address) throws IOException, InterruptedException {
        URI lb = URI.create(nginx.url());
        try (Socket s = new Socket(lb.getHost(), lb.getPort(), InetAddress.getByName(address), 0)) {
            s.getOutputStream().write(("GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
        }
        String served = address + " \"GET /health/live ";
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) { // the line is written as the response ends: poll the logs briefly
            for (NagareProcess node : nodes) {
                if (node.lines().stream().anyMatch(l -> l.contains(served))) {
                    return node.name();
                }
            }
            Thread.sleep(20); // polling the logs (see above)
        }
        throw new AssertionError("no node logged " + served);
    }

    @Test
    @Order(4)
    void aPausedNodeIsTakenOutThenCatchesUpWithoutLosingMessages() throws Exception {
        NagareProcess n3 = nodes.get(2);
        n3.pause();
        haproxy.awaitStatus("n3", "DOWN", LIMIT);
        // New clients go to the nodes that answer; a paused node would never complete a handshake.
        open(new JsonObject().put("name", "late").put("transports", List.of("websocket")));
        clientNames.add("late");
        broadcast("ws-n1", "while n3 is paused", List.of("ws-n1", "ws-n2", "late"));
        n3.resume();
        haproxy.awaitStatus("n3", "UP", LIMIT);
        // Redis kept what it published to the paused node: its clients get it once it runs again.
        awaitMessage("ws-n3", "while n3 is paused");
        clients.call(new JsonObject().put("op", "allReady"));
        broadcast("ws-n3", "after the pause", clientNames);
    }

    @Test
    @Order(5)
    void nodesAreNotReadyWithoutRedisAndBroadcastAgainOnceItIsBack() throws Exception {
        redis.stop();
        for (int i = 0; i < 3; i++) {
            awaitReadiness(nodeUrls.get(i), 503, body -> "DOWN".equals(body.getJsonObject("checks").getString("cluster")));
            haproxy.awaitStatus("n" + (i + 1), "DOWN", LIMIT);
        }
        redis.startProcess();
        for (int i = 0; i < 3; i++) {
            awaitReadiness(nodeUrls.get(i), 200, body -> "UP".equals(body.getJsonObject("checks").getString("cluster")));
            haproxy.awaitStatus("n" + (i + 1), "UP", LIMIT);
        }
        clients.call(new JsonObject().put("op", "allReady").put("limit", LIMIT.toMillis()));
        broadcast("ws-n2", "after the Redis restart", clientNames);
    }

    @Test
    @Order(6)
    void theClientsOfAKilledNodeReconnectToTheOthersAndRecoverWhatTheyMissed() throws Exception {
        int before = readyCount("ws-n1");
        String id = clients.call(new JsonObject().put("op", "states")).getJsonObject("states").getJsonObject("ws-n1")
                .getString("id");
        nodes.get(0).kill();
        // Sent at once, while n1's clients are away: they get it when they recover on another node.
        broadcast("ws-n2", "while n1 was dying", List.of("ws-n2"));
        haproxy.awaitStatus("n1", "DOWN", LIMIT);
        JsonObject back = clients.await(o -> "ws-n1".equals(o.getString("client")) && o.getInteger("count", 0) > before, LIMIT);
        assertThat(back.getBoolean("recovered")).as("the official client recovered its session on another node").isTrue();
        assertThat(back.getString("id")).isEqualTo(id);
        awaitMessage("ws-n1", "while n1 was dying");
        clients.call(new JsonObject().put("op", "allReady"));
        broadcast("ws-n2", "after n1 was killed", clientNames);
        assertThat(clients.lines().stream().filter(o -> "ws-n1".equals(o.getString("client"))
                && "while n1 was dying".equals(o.getString("message")))).as("once, not twice").hasSize(1);
    }

    @Test
    @Order(7)
    void theClientsOfADrainingNodeReconnectToTheOthers() throws Exception {
        int before = readyCount("ws-n2");
        NagareProcess n2 = nodes.get(1);
        n2.terminate();
        // For --drain-delay (4 s) it answers 503 and serves on: HAProxy takes it out while its clients stay.
        awaitReadiness(nodeUrls.get(1), 503, body -> "DRAINING".equals(body.getString("status")));
        haproxy.awaitStatus("n2", "DOWN", LIMIT);
        assertThat(readyCount("ws-n2")).as("still connected to n2 when HAProxy took it out").isEqualTo(before);
        awaitReadyAgain("ws-n2", before);
        assertThat(n2.awaitExit(LIMIT)).isZero();
        clients.call(new JsonObject().put("op", "allReady"));
        broadcast("ws-n3", "after n2 drained", clientNames);
    }

    private JsonObject open(JsonObject options) throws IOException, InterruptedException {
        return clients.call(options.put("op", "open"));
    }

    /** {@code from} posts {@code text} in #general; each of {@code to} receives it. */
    private void broadcast(String from, String text, List<String> to) throws IOException, InterruptedException {
        clients.call(new JsonObject().put("op", "send").put("name", from).put("text", text));
        for (String name : to) {
            awaitMessage(name, text);
        }
    }

    private void awaitMessage(String client, String text) throws InterruptedException {
        clients.await(o -> client.equals(o.getString("client")) && text.equals(o.getString("message")), LIMIT);
    }

    private int readyCount(String client) throws IOException, InterruptedException {
        return clients.call(new JsonObject().put("op", "states")).getJsonObject("states").getJsonObject(client)
                .getInteger("count");
    }

    private void awaitReadyAgain(String client, int before) throws InterruptedException {
        clients.await(o -> client.equals(o.getString("client")) && o.getInteger("count", 0) > before, LIMIT);
    }

    /** Polls a node's /health/ready (it announces nothing) until it answers {@code status} with a body {@code which} accepts. */
    private void awaitReadiness(String nodeUrl, int status, Predicate<JsonObject> which) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(nodeUrl + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            last = res.statusCode() + " " + res.body();
            if (res.statusCode() == status && which.test(new JsonObject(res.body()))) {
                return;
            }
            Thread.sleep(100); // readiness is polled, as HAProxy does
        }
        throw new AssertionError(nodeUrl + "/health/ready never answered " + status + " as expected; last: " + last);
    }
}
