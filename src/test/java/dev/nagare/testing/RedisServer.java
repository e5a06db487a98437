package dev.nagare.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's {@code redis-server}) for the tests, on a free loopback port with no
 * persistence, in a temporary directory. {@link #stop()} and {@link #start()} restart it on the same
 * port (a Redis restart, as a cluster sees one); {@link #pause()}/{@link #resume()} freeze it
 * (SIGSTOP), as a network pause does. Missing: the test skips loudly, or fails under
 * {@code -Dnagare.requireAll=true}.
 */
public final class RedisServer implements AutoCloseable {
    private final Path binary;
    private final Path dir;
    private final int port;
    private final List<String> extra;
    private Process process;

    private RedisServer(Path binary, Path dir, int port, List<String> extra) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.extra = extra;
    }

    public static RedisServer start() throws IOException, InterruptedException {
        return start(List.of());
    }

    /** With more redis-server options, e.g. {@code --requirepass x} or a {@code --tls-port}. */
    public static RedisServer start(List<String> extraArgs) throws IOException, InterruptedException {
        Path binary = Tools.require("redis-server", "apt-get install redis-server", "/usr/bin/redis-server",
                "/usr/local/bin/redis-server");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisServer server = new RedisServer(binary, Files.createTempDirectory("nagare-redis"), port, List.copyOf(extraArgs));
        server.startProcess();
        return server;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it again on the same port after {@link #stop()}. */
    public synchronized void startProcess() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--logfile", dir.resolve("redis.log").toString()));
        cmd.addAll(extra);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                String pong = command("PING");
                if (pong.contains("PONG") || pong.startsWith("-NOAUTH")) {
                    return;
                }
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IOException("redis-server exited: " + Files.readString(dir.resolve("stdout.log")));
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("redis-server did not answer on port " + port + " in 20 s");
                }
                Thread.sleep(20); // polling a process that gives no readiness signal but its port
            }
        }
    }

    /** Kills the server (SIGKILL): every connection drops at once. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    /** One inline command (e.g. {@code PUBSUB NUMSUB x}); returns the raw RESP reply text. */
    public String command(String... args) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            StringBuilder req = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                byte[] b = a.getBytes(StandardCharsets.UTF_8);
                req.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the OS cleans it eventually
        }
    }
}
