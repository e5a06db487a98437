package dev.nagare.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy (Debian's {@code haproxy}) running the shipped {@code deploy/haproxy.cfg} with only
 * its addresses rewritten: the frontend and the stats page on free loopback ports, the three server
 * lines on the given nodes' ports. So the file users copy is the file the tests run. Missing: the
 * test skips loudly, or fails under {@code -Dnagare.requireAll=true}.
 */
public final class HaproxyServer implements AutoCloseable {
    public static final Path SHIPPED = Path.of("deploy/haproxy.cfg");

    private final Process process;
    private final Path dir;
    private final int port;
    private final int statsPort;
    private final HttpClient http = HttpClient.newHttpClient();

    private HaproxyServer(Process process, Path dir, int port, int statsPort) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.statsPort = statsPort;
    }

    /** Starts HAProxy in front of {@code nodePorts} (n1, n2, n3 in this order) and awaits every node UP. */
    public static HaproxyServer start(List<Integer> nodePorts) throws IOException, InterruptedException {
        Path binary = Tools.require("haproxy", "apt-get install haproxy", "/usr/sbin/haproxy", "/usr/local/sbin/haproxy");
        int port = freePort();
        int statsPort = freePort();
        Map<String, String> rewrites = new java.util.LinkedHashMap<>();
        rewrites.put("bind :8080\n", "bind 127.0.0.1:" + port + "\n");
        rewrites.put("bind 127.0.0.1:8404\n", "bind 127.0.0.1:" + statsPort + "\n");
        for (int i = 0; i < 3; i++) {
            rewrites.put(" 127.0.0.1:808" + (i + 1) + " check", " 127.0.0.1:" + nodePorts.get(i) + " check");
        }
        String config = Files.readString(SHIPPED);
        for (Map.Entry<String, String> r : rewrites.entrySet()) {
            if (!config.contains(r.getKey())) {
                throw new AssertionError(SHIPPED + " no longer has '" + r.getKey().strip() + "': update HaproxyServer's rewrites");
            }
            config = config.replace(r.getKey(), r.getValue());
        }
        Path dir = Files.createTempDirectory("nagare-haproxy");
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, config);
        Process p = new ProcessBuilder(binary.toString(), "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        HaproxyServer server = new HaproxyServer(p, dir, port, statsPort);
        for (String node : List.of("n1", "n2", "n3")) {
            server.awaitStatus(node, "UP", Duration.ofSeconds(20));
        }
        return server;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Each server's status (UP, DOWN, "UP 1/2"...) from the stats page's CSV. */
    public Map<String, String> statuses() throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/;csv"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        String[] rows = res.body().split("\n");
        List<String> header = List.of(rows[0].replaceFirst("^# ", "").split(","));
        int proxy = header.indexOf("pxname");
        int server = header.indexOf("svname");
        int status = header.indexOf("status");
        Map<String, String> out = new HashMap<>();
        for (int i = 1; i < rows.length; i++) {
            String[] cols = rows[i].split(",", -1);
            if (cols.length > status && "nodes".equals(cols[proxy])) {
                out.put(cols[server], cols[status]);
            }
        }
        return out;
    }

    /** Polls the stats page (HAProxy announces nothing else) until {@code node}'s status is exactly {@code status}. */
    public void awaitStatus(String node, String status, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("haproxy exited: " + Files.readString(dir.resolve("haproxy.log")));
            }
            try {
                last = statuses().get(node);
                if (status.equals(last)) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(100); // polling HAProxy's stats: it announces no state change
        }
        throw new AssertionError("HAProxy never reported " + node + " " + status + " in " + limit.toSeconds()
                + " s; last: " + last + "; log: " + Files.readString(dir.resolve("haproxy.log")));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
