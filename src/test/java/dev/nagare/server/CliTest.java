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
        assertThat(err.toString()).contains("Unknown options: '--prot'", "Did you mean: --port", "nagare --help");
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
}
