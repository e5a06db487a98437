package dev.nagare.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fenced shell block of README.md and docs/*.md, run as written against the packaged jar
 * (issue 23): a documented command that breaks fails the build. Skipped blocks carry their reason in
 * the page and are listed here.
 */
class DocsCommandsIT {
    @TempDir
    Path sandbox;

    @Test
    void everyDocumentedCommandRunsAsWritten() throws Exception {
        Path jar = Path.of(System.getProperty("nagare.jar", "target/nagare.jar")).toAbsolutePath();
        assertThat(jar).exists();
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        DocRunner runner = new DocRunner(jar, sandbox, System.out, () -> {
            // The README's role and database are `nagare`: the test server's superuser is `postgres`, as Debian's.
            try {
                PostgresServer pg = PostgresServer.startOwn("postgres");
                return new DocRunner.Postgres(pg.port(), pg.superuser(), pg.password());
            } catch (TestAbortedException missing) {
                return null; // the other pages still run; -Dnagare.requireAll=true fails instead
            }
        });
        int shellBlocks = 0;
        for (Path page : pages) {
            String markdown = Files.readString(page);
            shellBlocks += (int) DocBlock.parse(page.toString(), markdown).stream().filter(DocBlock::isShell).count();
            System.out.println("docs harness: " + page);
            runner.runPage(page.toString(), markdown);
        }
        StringBuilder report = new StringBuilder(runner.summary()).append('\n');
        runner.skips.forEach(s -> report.append("  skipped ").append(s.where()).append(' ').append(s.what()).append(": ")
                .append(s.reason()).append('\n'));
        runner.failures.forEach(f -> report.append("  FAILED ").append(f.where()).append(' ').append(f.command()).append('\n'));
        System.out.print(report);
        // Failsafe keeps a test's output in its report file; the counts also go where a reader looks first.
        Files.writeString(Path.of("target", "docs-harness.txt"), report);

        assertThat(runner.blocks).as("every shell block is counted").isEqualTo(shellBlocks);
        assertThat(runner.blocksRan + runner.blocksSkipped).isEqualTo(shellBlocks);
        assertThat(runner.failures).as(runner.summary()).isEmpty();
        assertThat(runner.commandsFailed).isZero();
    }
}
