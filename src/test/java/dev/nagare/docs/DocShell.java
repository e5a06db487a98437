package dev.nagare.docs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
        Files.writeString(input, stdin == null ? "" : stdin);
        return await(command, input, scratch.resolve("out-" + n), timeout);
    }

    /**
     * Runs {@code command} at a terminal of its own ({@code script}) and types {@code lines} into it
     * as a user does: each once the command shows a prompt (output ending in ':'), never ahead of it,
     * since a password prompt may flush what was typed before it (PostgreSQL's does: TCSAFLUSH).
     */
    Result typed(String command, List<String> lines, Duration timeout) throws IOException, InterruptedException {
        int n = count.incrementAndGet();
        Path fifo = scratch.resolve("in-" + n);
        Path output = scratch.resolve("out-" + n);
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        if (mkfifo.waitFor() != 0) {
            throw new IOException("mkfifo " + fifo + " failed");
        }
        AtomicBoolean done = new AtomicBoolean();
        Thread typist = new Thread(() -> {
            try (Writer keys = Files.newBufferedWriter(fifo)) { // opens once the shell reads the pipe
                int seen = 0;
                for (String line : lines) {
                    String shown = read(output);
                    while (!shown.substring(Math.min(seen, shown.length())).strip().endsWith(":")) {
                        if (done.get()) {
                            return;
                        }
                        Thread.sleep(50); // polling the command's output file: it gives no other signal
                        shown = read(output);
                    }
                    seen = shown.length();
                    keys.write(line + "\n");
                    keys.flush();
                }
                while (!done.get()) {
                    Thread.sleep(50); // keep the keyboard open until the command ends
                }
            } catch (IOException | InterruptedException e) {
                // the command ended first; its exit code tells
            }
        }, "docs-typist");
        typist.setDaemon(true);
        typist.start();
        try {
            // script runs the command with $SHELL, which may be dash (CI's is): the pages' commands are bash.
            return await("SHELL=/bin/bash script -qec " + quote(command) + " /dev/null", fifo, output, timeout);
        } finally {
            done.set(true);
            typist.join(5000);
        }
    }

    private Result await(String command, Path input, Path output, Duration timeout)
            throws IOException, InterruptedException {
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
