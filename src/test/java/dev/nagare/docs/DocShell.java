package dev.nagare.docs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One bash, kept for a whole page as a reader keeps one terminal: what a block exports or assigns
 * ({@code TOKEN=$(...)}) is there for its next commands. Runs under {@code setsid}, so nothing can
 * open the developer's terminal ({@code /dev/tty}) and wait for a key; a command that asks for a
 * password gets a terminal of its own ({@link #typed}).
 */
final class DocShell implements AutoCloseable {
    private static final String MARK = "__docs_harness_rc=";

    /** What a command printed (stdout and stderr together) and its exit code; -1: it timed out. */
    record Result(int exit, String output) {
    }

    private final Path scratch;
    private final Process bash;
    private final Writer in;
    private final BlockingQueue<String> marks = new LinkedBlockingQueue<>();
    private final AtomicInteger count = new AtomicInteger();

    /** A shell working in {@code dir}; its own files (each command's input and output) go to {@code scratch}. */
    DocShell(Path dir, Path scratch, Map<String, String> env) throws IOException {
        this.scratch = scratch;
        ProcessBuilder pb = new ProcessBuilder("setsid", "bash", "--noprofile", "--norc").directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        bash = pb.start();
        in = new java.io.OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(MARK)) {
                        marks.add(line.substring(MARK.length()));
                    }
                }
            } catch (IOException e) {
                // the shell is gone; run() times out and says so
            }
        }, "docs-shell");
        reader.setDaemon(true);
        reader.start();
        send("set -o pipefail");
    }

    /** Runs {@code command} in this shell with {@code stdin} as its standard input. */
    Result run(String command, String stdin, Duration timeout) throws IOException, InterruptedException {
        int n = count.incrementAndGet();
        Path input = scratch.resolve("in-" + n);
        Path output = scratch.resolve("out-" + n);
        Files.writeString(input, stdin == null ? "" : stdin);
        send("{ " + command + "\n} < " + input + " > " + output + " 2>&1; echo \"" + MARK + "$?\"");
        String mark = marks.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (mark == null) {
            // End what the command started, not the shell: the page's later commands still need it.
            bash.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            marks.poll(10, TimeUnit.SECONDS);
            return new Result(-1, read(output) + "\n(no exit after " + timeout.toSeconds() + " s)");
        }
        return new Result(Integer.parseInt(mark.strip()), read(output));
    }

    /** The command as a user types at a terminal: {@code script} gives it one, the lines are the keys. */
    static String typed(String command) {
        return "script -qec " + quote(command) + " /dev/null";
    }

    /** Starts {@code command} in the background, output to {@code log}; its process id. */
    long background(String command, Path log) throws IOException, InterruptedException {
        send(command + " < /dev/null > " + log + " 2>&1 & echo \"" + MARK + "$!\"");
        String pid = marks.poll(30, TimeUnit.SECONDS);
        if (pid == null) {
            throw new IOException("the shell did not start: " + command);
        }
        return Long.parseLong(pid.strip());
    }

    /** SIGTERM to a background command and its exit code, -1 if it did not exit in {@code timeout}. */
    int stop(long pid, Duration timeout) throws IOException, InterruptedException {
        send("kill -TERM " + pid + "; wait " + pid + "; echo \"" + MARK + "$?\"");
        String mark = marks.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (mark == null) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            marks.poll(10, TimeUnit.SECONDS);
            return -1;
        }
        return Integer.parseInt(mark.strip());
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private void send(String line) throws IOException {
        in.write(line + "\n");
        in.flush();
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    }

    @Override
    public void close() {
        bash.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        bash.destroyForcibly();
    }
}
