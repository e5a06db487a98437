package dev.nagare.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar ({@code target/nagare.jar}) as its own process, with the readings the chaos
 * suite takes from outside: live heap (after a full GC, through jcmd), RSS, open file descriptors,
 * threads, health latency and ERROR lines in its log. Linux only (/proc).
 */
final class JarServer implements AutoCloseable {
    static final String ADMIN_PASSWORD = "chaos river stone lantern";
    private static final Pattern READY = Pattern.compile("ready at (https?://\\S+) ");
    private static final Pattern MANAGEMENT = Pattern.compile("Management port (\\d+) on ");
    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

    private final Path dataDir;
    private final Path log;
    private final List<String> flags;
    private volatile int managementPort = -1;
    private final String heap;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private String url;
    private String cpus; // taskset CPU list for the server, or null

    JarServer(Path dataDir, String heap, List<String> flags) {
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        this.heap = heap;
        this.flags = List.copyOf(flags);
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("nagare.jar", "target/nagare.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException("no " + jar + ": build it first (mvn -DskipTests package)");
        }
        return jar;
    }

    /**
     * Runs the server on these CPUs only (taskset), as the benchmarks do, so that a load generator in
     * this JVM (pinned elsewhere with {@link #pin}) measures the server rather than their fight for CPU.
     * Ignored on a single-core machine or without taskset.
     */
    JarServer pinnedTo(String cpus) {
        this.cpus = canPin() ? cpus : null;
        return this;
    }

    /** Pins every thread of process {@code pid} to {@code cpus}; false when it cannot. */
    static boolean pin(long pid, String cpus) throws IOException, InterruptedException {
        if (!canPin()) {
            return false;
        }
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, String.valueOf(pid))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    static boolean canPin() {
        return CPUS >= 2 && Files.isExecutable(Path.of("/usr/bin/taskset"));
    }

    /** This machine's CPUs, read before any pinning (the JVM reports the affinity mask's size). */
    static final int CPUS = Runtime.getRuntime().availableProcessors();

    /** Every CPU, for {@link #pin} to undo a pinning. */
    static String allCpus() {
        return "0-" + (CPUS - 1);
    }

    boolean pinned() {
        return cpus != null;
    }

    JarServer start() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (cpus != null) {
            cmd.addAll(List.of("taskset", "-c", cpus));
        }
        // The JVM's own choices, as `java -jar` makes them: with the server pinned to one CPU that is
        // the Serial collector. (Shenandoah, tried for its sub-millisecond pauses, did worse here: its
        // barriers cost the event loop and the JIT compiler more CPU than Serial's pauses took.)
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap));
        // -Dchaos.jvm.options="-Xlog:gc*:file=... -XX:StartFlightRecording=..." for a diagnosis (none by default)
        String extra = System.getProperty("chaos.jvm.options", "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.replace("{name}", dataDir.getFileName().toString()).split("\\s+")));
        }
        cmd.addAll(List.of("-jar", jar().toString(), "--port", "0", "--data-dir", dataDir.toString()));
        cmd.addAll(flags);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("NAGARE_ADMIN_PASSWORD", ADMIN_PASSWORD);
        int logStart = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1).size() : 0;
        process = pb.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end && process.isAlive()) {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1) : List.of();
            Matcher m = READY.matcher(String.join("\n", lines.subList(Math.min(logStart, lines.size()), lines.size())));
            if (m.find()) {
                url = m.group(1);
                Matcher mp = MANAGEMENT.matcher(String.join("\n", lines.subList(Math.min(logStart, lines.size()), lines.size())));
                managementPort = mp.find() ? Integer.parseInt(mp.group(1)) : -1;
                return this;
            }
            Thread.sleep(50); // polling the server's log file for its ready line
        }
        throw new IllegalStateException("the jar did not start; its log:\n" + Files.readString(log));
    }

    String url() {
        return url;
    }

    int port() {
        return URI.create(url).getPort();
    }

    /** The --management-port it listens on, or -1 when it was started without one. */
    int managementPort() {
        return managementPort;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** A bearer token for the admin account (the login API). */
    String adminToken() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/auth/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\""
                        + ADMIN_PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token: " + r.statusCode() + " " + r.body());
        }
        return new io.vertx.core.json.JsonObject(r.body()).getString("token");
    }

    /** Milliseconds for GET /health/live to answer, or -1 when it did not within 5 s. */
    long healthMillis() {
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/health/live"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? (System.nanoTime() - t0) / 1_000_000 : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Bytes of live objects: the total of a class histogram, which collects first. The same figure
     * whatever the collector (GC.heap_info's layout differs by collector, and its first "used" figure
     * was the young generation only under Serial).
     */
    long liveHeapBytes() throws IOException, InterruptedException {
        Matcher m = TOTAL.matcher(jcmd("GC.class_histogram"));
        if (!m.find()) {
            throw new IllegalStateException("no heap figure from jcmd");
        }
        return Long.parseLong(m.group(1));
    }

    long rssBytes() throws IOException {
        return status("VmRSS:") * 1024;
    }

    long threads() throws IOException {
        return status("Threads:");
    }

    long openFiles() throws IOException {
        try (var s = Files.list(Path.of("/proc", String.valueOf(pid()), "fd"))) {
            return s.count();
        }
    }

    /** Lines of the server's log at level ERROR (or a JVM error) so far. */
    List<String> errorLines() throws IOException {
        return Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
                .filter(l -> l.contains(" ERROR ") || l.contains("OutOfMemoryError") || l.contains("Exception in thread"))
                .toList();
    }

    private long status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no " + key + " in /proc status");
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    /** kill -9: no shutdown hook, no flush. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.toHandle().destroy(); // SIGTERM: drain and exit
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
