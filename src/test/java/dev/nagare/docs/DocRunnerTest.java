package dev.nagare.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.nagare.testing.Tools;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness itself: a broken command in a page fails it, skips are counted, state carries over. */
class DocRunnerTest {
    @TempDir
    Path sandbox;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private DocRunner run(String markdown) throws Exception {
        DocRunner runner = new DocRunner(null, sandbox, new PrintStream(printed, true, StandardCharsets.UTF_8));
        runner.runPage("page.md", markdown);
        return runner;
    }

    @Test
    void aDeliberatelyBrokenCommandFailsTheRun() throws Exception {
        DocRunner runner = run("""
                # A page

                ```sh
                echo fine
                ls ./no-such-directory   # broken on purpose
                ```
                """);
        assertThat(runner.commandsRan).isEqualTo(1);
        assertThat(runner.commandsFailed).isEqualTo(1);
        assertThat(runner.blocksFailed).isEqualTo(1);
        assertThat(runner.failures).singleElement().satisfies(f -> {
            assertThat(f.where()).isEqualTo("page.md:3"); // the fence line
            assertThat(f.command()).isEqualTo("ls ./no-such-directory");
            assertThat(f.output()).contains("exit 2").contains("no-such-directory");
        });
    }

    @Test
    void aSkippedBlockIsCountedWithTheReasonItsPageGives() throws Exception {
        DocRunner runner = run("""
                <!-- docs-harness: skip (needs a camera) -->
                ```bash
                ffmpeg -f v4l2 -i /dev/video0 out.mp4
                ```

                ```yaml
                not: a shell block
                ```

                ```console
                $ echo shown
                shown
                ```
                """);
        assertThat(runner.blocks).isEqualTo(2);
        assertThat(runner.blocksSkipped).isEqualTo(1);
        assertThat(runner.blocksRan).isEqualTo(1);
        assertThat(runner.commandsSkipped).isEqualTo(1);
        assertThat(runner.commandsRan).isEqualTo(1);
        assertThat(runner.skips).singleElement().satisfies(s -> assertThat(s.reason()).isEqualTo("needs a camera"));
        assertThat(runner.summary()).contains("2 shell blocks: 1 ran (0 failed), 1 skipped");
    }

    @Test
    void theBuildStepIsSkippedAndWhatFollowsItRunsAndAPostgresBlockWithoutPostgresIsSkippedSayingWhy() throws Exception {
        DocRunner runner = run("""
                ```sh
                mvn -q -DskipTests package && echo after-the-build
                ```

                <!-- docs-harness: postgres -->
                ```sh
                sudo -u postgres createdb nagare
                ```
                """);
        assertThat(runner.failures).isEmpty();
        assertThat(runner.commandsRan).isEqualTo(1);
        assertThat(runner.commandsSkipped).isEqualTo(2);
        assertThat(runner.blocksSkipped).isEqualTo(1);
        assertThat(runner.skips).extracting(DocRunner.Skip::reason).containsExactly(
                "the build: mvn verify, which runs this harness, just made the jar",
                "no PostgreSQL to run it against (MISSING TOOL: apt-get install postgresql)");
    }

    @Test
    void variablesAndContinuationsCarryOverAsInOneTerminal() throws Exception {
        DocRunner runner = run("""
                ```sh
                export GREETING='hello  there'   # two spaces kept
                WHO=$(echo \\
                  world)
                test "$GREETING $WHO" = 'hello  there world'
                ```
                """);
        assertThat(runner.failures).isEmpty();
        assertThat(runner.commandsRan).isEqualTo(3);
    }

    @Test
    void aCurlThatGetsAnErrorStatusFailsThoughCurlItselfWouldExitZero() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/ok") ? 200 : 404, -1);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            DocRunner runner = run("```sh\ncurl -s http://127.0.0.1:" + port + "/ok\ncurl -s http://127.0.0.1:" + port
                    + "/missing\n```\n");
            assertThat(runner.commandsRan).isEqualTo(1);
            assertThat(runner.commandsFailed).isEqualTo(1);
            assertThat(runner.failures.get(0).command()).endsWith("/missing");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aPasswordPromptGetsEachLineOnlyOnceItIsShownAndInputTypedAheadWouldBeLost() throws Exception {
        try (DocShell shell = new DocShell(sandbox, sandbox, java.util.Map.of())) {
            // Like PostgreSQL's prompt: drop what was typed ahead (tcflush), then read the line.
            Path python = Tools.require("python3", "apt-get install python3", "/usr/bin/python3");
            String prompt = "for p in Password Again; do " + python + " -c 'import termios,sys; termios.tcflush(0, termios.TCIFLUSH)';"
                    + " read -r -s -p \"$p: \" v; echo; echo \"got $v\"; done";
            DocShell.Result result = shell.typed(prompt, java.util.List.of("first pass", "second pass"),
                    java.time.Duration.ofSeconds(30));
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).contains("got first pass").contains("got second pass");
        }
    }
}
