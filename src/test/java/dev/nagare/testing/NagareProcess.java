package dev.nagare.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar ({@code java -jar target/nagare.jar ...}) as its own process, for ITs that need
 * several nodes or signals: its output is kept line by line, so a test can await a line that came
 * before it asked; {@link #kill()} is SIGKILL, {@link #terminate()} SIGTERM, {@link #pause()} and
 * {@link #resume()} SIGSTOP/SIGCONT (a network pause, as the node's peers see one).
 */
public final class NagareProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("ready at (http://\\S+) ");

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>(); // guarded by this

    private NagareProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::read, "nagare-" + name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code java -jar <nagare.jar> args} in {@code dir} with {@code env} added to ours. */
    public static NagareProcess start(String name, Path dir, Map<String, String> env, List<String> args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(args)).directory(dir.toFile());
        pb.environment().putAll(env);
        return start(name, pb);
    }

    /** Starts a server by a command of its own (e.g. the release archive's {@code bin/nagare}), its output kept. */
    public static NagareProcess start(String name, ProcessBuilder pb) throws IOException {
        return new NagareProcess(name, pb.redirectErrorStream(true).start());
    }

    /** Runs a command of the jar (e.g. {@code user add}) to its end, with {@code stdin} typed in; fails on a non-zero exit. */
    public static String run(Path dir, Map<String, String> env, String stdin, List<String> args)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command(args)).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("nagare " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }

    private static List<String> command(List<String> args) {
        String jar = Path.of(System.getProperty("nagare.jar", "target/nagare.jar")).toAbsolutePath().toString();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home")).resolve("bin/java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xss512k", "-jar", jar));
        cmd.addAll(args);
        return cmd;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (this) {
                    lines.add(line);
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

    /** The first line, printed before or after this call, that {@code pattern} finds something in. */
    public synchronized Matcher awaitLine(Pattern pattern, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int seen = 0;
        while (true) {
            for (; seen < lines.size(); seen++) {
                Matcher m = pattern.matcher(lines.get(seen));
                if (m.find()) {
                    return m;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !process.isAlive() && seen == lines.size()) {
                throw new AssertionError("node " + name + " never printed /" + pattern + "/ in " + limit.toSeconds()
                        + " s (alive: " + process.isAlive() + "); it printed:\n" + String.join("\n", lines));
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)));
        }
    }

    /** Awaits the "ready at" line; returns the node's base URL. */
    public String awaitReady() throws InterruptedException {
        return awaitLine(READY, Duration.ofSeconds(60)).group(1);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM (Process.destroy() would also close our end of the output pipe). */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the process to end; its exit code. */
    public int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("node " + name + " did not exit in " + limit.toSeconds() + " s");
        }
        return process.exitValue();
    }

    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            kill(); // SIGKILL ends a stopped (paused) process too
        }
    }
}
