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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (Debian's {@code nginx}) running the shipped {@code deploy/nginx.conf} with only its
 * addresses rewritten: the listener on a free loopback port, the three server lines on the given
 * nodes' ports; its prefix (pid file) is a temporary directory. Missing: the test skips loudly, or
 * fails under {@code -Dnagare.requireAll=true}.
 */
public final class NginxServer implements AutoCloseable {
    public static final Path SHIPPED = Path.of("deploy/nginx.conf");

    private final Process process;
    private final Path dir;
    private final int port;

    private NginxServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts nginx in front of {@code nodePorts} (in the file's order) and awaits its first proxied answer. */
    public static NginxServer start(List<Integer> nodePorts) throws IOException, InterruptedException {
        Path binary = Tools.require("nginx", "apt-get install nginx", "/usr/sbin/nginx", "/usr/local/sbin/nginx");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> rewrites = new LinkedHashMap<>();
        rewrites.put("listen 8080;", "listen 127.0.0.1:" + port + ";");
        for (int i = 0; i < nodePorts.size(); i++) {
            rewrites.put("server 127.0.0.1:808" + (i + 1) + " ", "server 127.0.0.1:" + nodePorts.get(i) + " ");
        }
        String config = Files.readString(SHIPPED);
        for (Map.Entry<String, String> r : rewrites.entrySet()) {
            if (!config.contains(r.getKey())) {
                throw new AssertionError(SHIPPED + " no longer has '" + r.getKey().strip() + "': update NginxServer's rewrites");
            }
            config = config.replace(r.getKey(), r.getValue());
        }
        Path dir = Files.createTempDirectory("nagare-nginx");
        Files.writeString(dir.resolve("nginx.conf"), config);
        Process p = new ProcessBuilder(binary.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.log").toFile()).start();
        NginxServer server = new NginxServer(p, dir, port);
        server.awaitServing(Duration.ofSeconds(20));
        return server;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Polls /health/live through nginx (it announces nothing) until a node answers. */
    private void awaitServing(Duration limit) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + limit.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("nginx exited: " + Files.readString(dir.resolve("nginx.log")));
            }
            try {
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url() + "/health/live"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() == 200) {
                    return;
                }
                last = res.statusCode() + " " + res.body();
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(100); // polling until nginx listens: it gives no other signal
        }
        throw new AssertionError("nginx never proxied /health/live in " + limit.toSeconds() + " s; last: " + last
                + "; log: " + Files.readString(dir.resolve("nginx.log")));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy(); // SIGTERM: nginx's fast shutdown
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
