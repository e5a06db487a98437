package dev.nagare.testing;

import dev.nagare.store.StoreConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (Debian's {@code postgresql} package, 15 or newer) for the tests: one per
 * test JVM, started on first use in a temporary directory on a free port, stopped and deleted when the
 * JVM exits. Each test class takes a database of its own ({@link #newDatabase}). As root, the server
 * runs as the {@code postgres} user (PostgreSQL refuses to run as root). Missing: the test skips loudly,
 * or fails under {@code -Dnagare.requireAll=true}.
 */
public final class PostgresServer {
    private static final String USER = "nagare";
    private static final String PASSWORD = "test-only-password";
    private static PostgresServer shared;

    private final String superuser;
    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgres;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresServer(String superuser, Path bin, Path dir, int port, boolean asPostgres) {
        this.superuser = superuser;
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** The JVM's server, started on first call; skips (or fails under requireAll) when PostgreSQL is missing. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = startOwn(USER);
        }
        return shared;
    }

    /**
     * A server of the caller's own whose superuser is {@code superuser} (the docs harness runs the
     * README's {@code sudo -u postgres createuser ... nagare} as {@code postgres}, so the role
     * {@code nagare} must not exist yet); stopped when the JVM exits. Skips like {@link #shared}.
     */
    public static PostgresServer startOwn(String superuser) {
        Path initdb = Tools.require("PostgreSQL 15+ (initdb)", "apt-get install postgresql",
                installed().toArray(String[]::new));
        try {
            return start(superuser, initdb.getParent());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not start PostgreSQL from " + initdb.getParent() + ": " + e, e);
        }
    }

    /** initdb of every installed version, newest first (Debian: /usr/lib/postgresql/N/bin). */
    private static List<String> installed() {
        List<String> out = new ArrayList<>();
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                versions.filter(p -> p.getFileName().toString().matches("\\d+") && Integer.parseInt(p.getFileName().toString()) >= 15)
                        .sorted(Comparator.comparing((Path p) -> Integer.parseInt(p.getFileName().toString())).reversed())
                        .forEach(p -> out.add(p.resolve("bin/initdb").toString()));
            } catch (IOException e) {
                // fall through to the default below
            }
        }
        if (out.isEmpty()) {
            out.add("/usr/lib/postgresql/15/bin/initdb");
        }
        return out;
    }

    private static PostgresServer start(String superuser, Path bin) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("nagare-pg");
        Path pw = dir.resolve("pw");
        Files.writeString(pw, PASSWORD + "\n", StandardCharsets.UTF_8);
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        }
        PostgresServer probe = new PostgresServer(superuser, bin, dir, 0, root);
        probe.pg(List.of("initdb", "-D", dir.resolve("data").toString(), "-U", superuser, "--pwfile=" + pw,
                "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"));
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            PostgresServer server = new PostgresServer(superuser, bin, dir, port, root);
            try {
                // Durability settings off: test data, and the suite runs on two cores.
                server.pg(List.of("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(),
                        "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1"
                                + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                        "start"));
                Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "postgres-stop"));
                return server;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /** A fresh, empty database; its store configuration (password included). */
    public StoreConfig newDatabase(Path dataDir) {
        String name = "t" + databases.incrementAndGet() + "_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", superuser, PASSWORD);
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("CREATE DATABASE failed: " + e.getMessage(), e);
        }
        return StoreConfig.parse(url(name), dataDir, PASSWORD, 4);
    }

    /** {@code postgres://nagare@127.0.0.1:PORT/NAME}, without the password. */
    public String url(String database) {
        return "postgres://" + superuser + "@127.0.0.1:" + port + "/" + database;
    }

    public String password() {
        return PASSWORD;
    }

    public String superuser() {
        return superuser;
    }

    public int port() {
        return port;
    }

    private void stop() {
        try {
            pg(List.of("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
        } catch (IOException | InterruptedException e) {
            System.err.println("PostgreSQL test server did not stop: " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; the OS cleans it eventually
        }
    }

    private void pg(List<String> command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(command);
        cmd.set(0, bin.resolve(command.get(0)).toString());
        if (asPostgres) {
            cmd.addAll(0, List.of("runuser", "-u", "postgres", "--"));
        }
        run(cmd);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }
}
