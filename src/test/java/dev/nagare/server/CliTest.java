package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        return new Cli(env, new PrintWriter(out, true), new PrintWriter(err, true)).run(args);
    }

    @Test
    void helpDocumentsEveryOptionWithItsEnvironmentVariable() {
        assertThat(run(Map.of(), "--help")).isEqualTo(Cli.EXIT_OK);
        for (Setting s : Setting.values()) {
            assertThat(out.toString()).contains(s.option(), s.envVar());
        }
        assertThat(out.toString()).contains("serve", "Precedence: flags > environment > config file >");
    }

    @Test
    void serveSubcommandTakesTheSameOptions() {
        assertThat(run(Map.of(), "serve", "--help")).isEqualTo(Cli.EXIT_OK);
        assertThat(out.toString()).contains("--port", "NAGARE_PORT");
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithExitCode2() {
        assertThat(run(Map.of(), "--prot", "9000")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(err.toString()).contains("Unknown options: '--prot'", "Did you mean: --port", "java -jar target/nagare.jar --help");
    }

    @Test
    void anInvalidValueIsAUsageErrorThatSaysWhatToChange() {
        assertThat(run(Map.of(), "--port", "http")).isEqualTo(Cli.EXIT_USAGE);
        assertThat(err.toString()).contains("Invalid value 'http' for port (from --port)");
        err.getBuffer().setLength(0);
        assertThat(run(Map.of("NAGARE_IDLE_TIMEOUT", "-5"))).isEqualTo(Cli.EXIT_USAGE);
        assertThat(err.toString()).contains("(from environment variable NAGARE_IDLE_TIMEOUT)");
    }

    @Test
    void aPortInUseIsReportedPlainlyWithExitCode1() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            int code = run(Map.of("NAGARE_DATA_DIR", dir.toString()), "--port", Integer.toString(port));
            assertThat(code).isEqualTo(Cli.EXIT_FAILURE);
            assertThat(err.toString()).contains("Port " + port + " on 127.0.0.1 is already in use",
                    "--port or NAGARE_PORT");
        }
    }

    @Test
    void aFailedStartDoesNotUseUpTheOneTimeAdminPassword() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int code = run(Map.of("NAGARE_DATA_DIR", dir.toString()), "--port", Integer.toString(taken.getLocalPort()));
            assertThat(code).isEqualTo(Cli.EXIT_FAILURE);
        }
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            dev.nagare.store.Store store = dev.nagare.store.SqliteStore.open(vertx, dir).await(10, java.util.concurrent.TimeUnit.SECONDS);
            long accounts = store.transact(c -> {
                try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM users")) {
                    rs.next();
                    return rs.getLong(1);
                }
            }).await(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(accounts).as("the next start must still create admin and print its password").isZero();
            store.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void subcommandsShowOnlyTheirOwnOptions() {
        assertThat(run(Map.of(), "user", "add", "--help")).isEqualTo(Cli.EXIT_OK);
        assertThat(out.toString()).contains("--data-dir", "--store", "--password-stdin", "--role")
                .doesNotContain("--port", "--ping-interval", "--chat-rate");
        assertThat(out.toString().lines().count()).isLessThan(40);
    }

    @Test
    void helpHasNoEmptyDefaultsAndNamesEveryApp() {
        assertThat(run(Map.of(), "--help")).isEqualTo(Cli.EXIT_OK);
        assertThat(out.toString()).doesNotContainPattern("Default: \\.(\\s|$)").contains("chat", "dashboard", "game", "Server-Sent Events");
    }

    @Test
    void aBareSwitchMeansTrueAndAnExplicitValueStillWorks() {
        assertThat(Cli.configOf(Map.of(), "--guests", "--tls-self-signed").guests()).isTrue();
        assertThat(Cli.configOf(Map.of(), "--guests").tlsSelfSigned()).isFalse();
        assertThat(Cli.configOf(Map.of(), "--guests", "false", "--access-log").guests()).isFalse();
        assertThat(Cli.configOf(Map.of(), "--guests=false", "--access-log").accessLog()).isTrue();
        assertThat(Cli.configOf(Map.of(), "--guests", "--port", "9999").port()).isEqualTo(9999);
    }
}
