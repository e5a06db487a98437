package dev.nagare.docs;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the fenced shell blocks of Markdown pages as a reader would, each page in a sandbox of its own:
 * a fresh working directory (so {@code ./data} is new) where {@code target/nagare.jar} is the built
 * jar, a free port in place of 8080 (rewritten in the commands and set as {@code NAGARE_PORT}), one
 * shell per page. What the pages promise is checked on the way: a command exits 0; {@code curl} gets
 * a 2xx (run with {@code --fail-with-body}); a server command ({@code java -jar target/nagare.jar}
 * with no subcommand) gets ready, serves the landing page and exits 0 on SIGTERM at the end of its
 * block. A block whose page note says {@code skip (reason)} is counted and listed, not run.
 */
final class DocRunner {
    /** What the harness types when a command asks for a password (twice: to set one). */
    static final String TYPED_PASSWORD = "the password you chose";
    private static final Pattern READY = Pattern.compile("ready at (http://\\S+)");
    private static final Pattern SERVER = Pattern.compile("^java -jar target/nagare\\.jar(\\s+--.*)?$");
    private static final Pattern PROMPTS = Pattern.compile("nagare\\.jar user (add|passwd)\\b(?!.*--password-stdin)|--pwprompt");
    private static final Pattern ADMIN_PASSWORD = Pattern.compile("first account 'admin' with password (\\S+) ;");
    private static final Pattern YAML_FILE = Pattern.compile("^#\\s*([\\w.-]+\\.ya?ml)\\b.*");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

    record Skip(String where, String what, String reason) {
    }

    record Failure(String where, String command, String output) {
    }

    /** A PostgreSQL server for the blocks noted {@code postgres}: its port, a superuser and its password. */
    record Postgres(int port, String superuser, String password) {
    }

    private final Path jar;
    private final Path root;
    private final PrintStream log;
    private final Supplier<Postgres> postgresSource;
    private Postgres postgres;
    /** The password the page's first server printed for the admin it created: what a reader types for "...". */
    private String adminPassword;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    int blocks;
    int blocksRan;
    int blocksSkipped;
    int blocksFailed;
    int commandsRan;
    int commandsSkipped;
    int commandsFailed;
    final List<Skip> skips = new ArrayList<>();
    final List<Failure> failures = new ArrayList<>();

    /** {@code jar}: the built jar ({@code null}: pages that do not use it); sandboxes go under {@code root}. */
    DocRunner(Path jar, Path root, PrintStream log) {
        this(jar, root, log, null);
    }

    /**
     * {@code postgres}: called on the first block noted {@code postgres}, its server kept for the rest of
     * the run; null (or a null answer): PostgreSQL is missing and such blocks are skipped, saying so.
     */
    DocRunner(Path jar, Path root, PrintStream log, Supplier<Postgres> postgres) {
        this.jar = jar;
        this.root = root;
        this.log = log;
        this.postgresSource = postgres;
    }

    void runPage(String page, String markdown) throws IOException, InterruptedException {
        adminPassword = null;
        String name = page.replaceAll("[^\\w.-]", "_");
        Path sandbox = Files.createDirectories(root.resolve(name));
        Path scratch = Files.createDirectories(root.resolve(name + ".harness"));
        if (jar != null) {
            Files.createDirectories(sandbox.resolve("target"));
            Files.createSymbolicLink(sandbox.resolve("target/nagare.jar"), jar.toAbsolutePath());
        }
        int port = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("NAGARE_PORT", Integer.toString(port));
        // The JDK that runs the build runs the documented `java` too.
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        try (DocShell shell = new DocShell(sandbox, scratch, env)) {
            for (DocBlock block : DocBlock.parse(page, markdown)) {
                Matcher file = YAML_FILE.matcher(block.lines().isEmpty() ? "" : block.lines().get(0));
                if (block.lang().startsWith("y") && file.matches()) {
                    // A configuration file the page names (`# nagare.yaml`): there for its later commands.
                    Files.writeString(sandbox.resolve(file.group(1)), String.join("\n", block.lines()) + "\n");
                }
                if (block.isShell()) {
                    runBlock(shell, block, port, scratch);
                }
            }
        } finally {
            // The link only, never the jar it points to.
            Files.deleteIfExists(sandbox.resolve("target/nagare.jar"));
        }
    }

    private void runBlock(DocShell shell, DocBlock block, int port, Path scratch)
            throws IOException, InterruptedException {
        blocks++;
        List<String> commands = block.commands();
        String reason = block.skipReason();
        if (reason != null) {
            skipBlock(block, commands, reason);
            return;
        }
        Postgres pg = null;
        if ("postgres".equals(block.note())) {
            if (postgres == null) {
                postgres = postgresSource == null ? null : postgresSource.get();
            }
            if (postgres == null) {
                skipBlock(block, commands, "no PostgreSQL to run it against (MISSING TOOL: apt-get install postgresql)");
                return;
            }
            pg = postgres;
        }
        blocksRan++;
        int failedBefore = commandsFailed;
        List<Long> servers = new ArrayList<>();
        if (block.serverOptions() != null) {
            String cmd = ("java -jar target/nagare.jar " + block.serverOptions()).strip();
            Long pid = startServer(shell, block, cmd, scratch, port);
            if (pid == null) {
                commandsFailed += commands.size();
                blocksFailed++;
                return;
            }
            servers.add(pid);
        }
        for (String command : commands) {
            runCommand(shell, block, pg == null ? command : onTestPostgres(block, command, pg), port, scratch, servers);
        }
        for (long pid : servers) {
            int exit = shell.stop(pid, Duration.ofSeconds(40));
            if (exit != 0) {
                fail(block, "server " + pid + " on SIGTERM", "exit code " + exit + " (the README promises 0)");
            }
        }
        Path serverLog = scratch.resolve("server-" + block.line() + ".log");
        Matcher admin = ADMIN_PASSWORD.matcher(Files.exists(serverLog) ? Files.readString(serverLog) : "");
        if (adminPassword == null && admin.find()) {
            // The page's first server made the account in ./data (later ones may use another store, as
            // the PostgreSQL section's does). Logged once the ports are bound: read after it stopped.
            adminPassword = admin.group(1);
        }
        if (commandsFailed > failedBefore || failures.stream().anyMatch(f -> f.where().equals(block.toString()))) {
            blocksFailed++;
        }
    }

    private void skipBlock(DocBlock block, List<String> commands, String reason) {
        blocksSkipped++;
        commandsSkipped += commands.size();
        skips.add(new Skip(block.toString(), "block of " + commands.size() + " command(s)", reason));
        log.printf("  skip %s (%d commands): %s%n", block, commands.size(), reason);
    }

    /**
     * A command of a PostgreSQL set-up as it runs against the test server: the system's package and
     * cluster commands are skipped (null), {@code sudo -u postgres} becomes that server's superuser,
     * and port 5432 its port.
     */
    private String onTestPostgres(DocBlock block, String command, Postgres pg) {
        if (command.startsWith("sudo apt-get install") || command.startsWith("sudo pg_ctlcluster")) {
            commandsSkipped++;
            skips.add(new Skip(block.toString(), command, "installs or starts the system's PostgreSQL; the harness runs"
                    + " its own test server instead"));
            log.printf("  skip %s %s: the harness's own PostgreSQL runs instead%n", block, command);
            return null;
        }
        String su = "PGHOST=127.0.0.1 PGPORT=" + pg.port() + " PGUSER=" + pg.superuser() + " PGPASSWORD="
                + DocShell.quote(pg.password()) + " ";
        return command.replace("sudo -u postgres ", su).replace("localhost:5432", "localhost:" + pg.port());
    }

    private void runCommand(DocShell shell, DocBlock block, String written, int port, Path scratch, List<Long> servers)
            throws IOException, InterruptedException {
        if (written == null) {
            return;
        }
        String command = written;
        if (command.startsWith("mvn ")) {
            int and = command.indexOf(" && ");
            String build = and < 0 ? command : command.substring(0, and);
            commandsSkipped++;
            skips.add(new Skip(block.toString(), build, "the build: mvn verify, which runs this harness, just made the jar"));
            log.printf("  skip %s %s: the build itself%n", block, build);
            if (and < 0) {
                return;
            }
            command = command.substring(and + 4).strip();
        }
        if (adminPassword != null) {
            command = command.replace("\"password\":\"...\"", "\"password\":\"" + adminPassword + "\"");
        }
        command = command.replace("localhost:8080", "localhost:" + port).replaceAll("--port 8080\\b", "--port " + port)
                .replaceAll("(^|[\\s;|&(])curl ", "$1curl --fail-with-body ");
        long started = System.nanoTime();
        if (SERVER.matcher(command).matches()) {
            Long pid = startServer(shell, block, command, scratch, port);
            if (pid == null) {
                commandsFailed++;
                return;
            }
            servers.add(pid);
            commandsRan++;
            log.printf("  ok   %s %s (server, pid %d)%n", block, written, pid);
            return;
        }
        DocShell.Result result = PROMPTS.matcher(command).find()
                ? shell.typed(command, List.of(TYPED_PASSWORD, TYPED_PASSWORD), COMMAND_TIMEOUT)
                : shell.run(command, null, COMMAND_TIMEOUT);
        long ms = (System.nanoTime() - started) / 1_000_000;
        if (result.exit() == 0) {
            commandsRan++;
            log.printf("  ok   %s %s (%d ms)%n", block, written, ms);
        } else {
            commandsFailed++;
            fail(block, written, (command.equals(written) ? "" : "ran as: " + command + "\n") + "exit " + result.exit()
                    + ":\n" + result.output());
        }
    }

    /** Starts a server command, awaits its ready line and checks the landing page; its pid, null on failure. */
    private Long startServer(DocShell shell, DocBlock block, String command, Path scratch, int port)
            throws IOException, InterruptedException {
        Path serverLog = scratch.resolve("server-" + block.line() + ".log");
        long pid = shell.background(command, serverLog);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            String out = Files.exists(serverLog) ? Files.readString(serverLog) : "";
            Matcher ready = READY.matcher(out);
            if (ready.find()) {
                int status = get(ready.group(1) + "/");
                if (status == 200) {
                    return pid;
                }
                fail(block, command, "GET / answered " + status + "\n" + out);
                shell.stop(pid, Duration.ofSeconds(40));
                return null;
            }
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                fail(block, command, "the server exited before it was ready:\n" + out);
                return null;
            }
            Thread.sleep(100); // polling the server's log file: no event to await across processes
        }
        fail(block, command, "not ready in 90 s:\n" + Files.readString(serverLog));
        shell.stop(pid, Duration.ofSeconds(40));
        return null;
    }

    private int get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private void fail(DocBlock block, String command, String output) {
        failures.add(new Failure(block.toString(), command, output));
        log.printf("  FAIL %s %s%n%s%n", block, command, output.indent(8));
    }

    String summary() {
        return String.format("docs harness: %d shell blocks: %d ran (%d failed), %d skipped; commands: %d ran, %d skipped, %d failed",
                blocks, blocksRan, blocksFailed, blocksSkipped, commandsRan, commandsSkipped, commandsFailed);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
