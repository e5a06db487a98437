package dev.nagare.testing;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A long-running Node.js script from src/test/js that talks JSON lines: commands on its stdin
 * ({@code {id, op, ...}}, answered by a line {@code {reply: id, ...}}), events on its stdout. Every
 * line it printed is kept, so a test can await one that came before it asked.
 */
public final class NodePeer implements AutoCloseable {
    private final Process process;
    private final Path errors;
    private final List<JsonObject> lines = new ArrayList<>(); // guarded by this
    private final AtomicInteger ids = new AtomicInteger();

    private NodePeer(Process process, Path errors) {
        this.process = process;
        this.errors = errors;
        Thread reader = new Thread(this::read, "node-peer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static NodePeer start(String script, String... args) throws IOException {
        Path node = Tools.require("node", "apt-get install nodejs npm", "/usr/bin/node", "/usr/local/bin/node");
        if (!Files.exists(Path.of("npm/node_modules/@socket.io/redis-emitter/package.json"))) {
            Tools.require("the npm packages of npm/package.json", "mvn generate-resources (it runs npm ci in npm/)",
                    "npm/node_modules/.bin/__absent__");
        }
        List<String> cmd = new ArrayList<>(List.of(node.toString(), "src/test/js/" + script));
        cmd.addAll(List.of(args));
        Path errors = Files.createTempFile("node-peer", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(errors.toFile()).start();
        return new NodePeer(p, errors);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonObject o;
                try {
                    o = new JsonObject(line);
                } catch (RuntimeException e) {
                    o = new JsonObject().put("unparsed", line);
                }
                synchronized (this) {
                    lines.add(o);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended: awaiting threads see it below
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /** The first line, printed before or after this call, that {@code which} accepts. */
    public synchronized JsonObject await(Predicate<JsonObject> which, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int seen = 0;
        while (true) {
            for (; seen < lines.size(); seen++) {
                if (which.test(lines.get(seen))) {
                    return lines.get(seen);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !process.isAlive() && seen == lines.size()) {
                throw new AssertionError("the Node peer never printed the awaited line in " + limit.toSeconds() + " s;"
                        + " it printed " + lines + "; stderr: " + errors());
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)));
        }
    }

    public JsonObject await(Predicate<JsonObject> which) throws InterruptedException {
        return await(which, Duration.ofSeconds(15));
    }

    /** Sends {@code command} (an id is added) and returns its reply; a reply with an error fails the test. */
    public JsonObject call(JsonObject command) throws IOException, InterruptedException {
        int id = ids.incrementAndGet();
        OutputStream in = process.getOutputStream();
        in.write((command.copy().put("id", id).encode() + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        JsonObject reply = await(o -> Integer.valueOf(id).equals(o.getInteger("reply")));
        if (reply.containsKey("error")) {
            throw new AssertionError(command.getString("op") + " failed in the Node peer: " + reply.getString("error"));
        }
        return reply;
    }

    public synchronized List<JsonObject> lines() {
        return List.copyOf(lines);
    }

    private String errors() {
        try {
            return Files.readString(errors);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close(); // the script quits when stdin ends
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(errors);
    }
}
