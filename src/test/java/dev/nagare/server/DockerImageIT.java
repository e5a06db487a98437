package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile builds an image from the release archive, and a container of it becomes healthy
 * (its HEALTHCHECK reads {@code /health/ready}) running as a user other than root. Needs a Docker
 * daemon: where there is none (this project's CI machines have only the client) the test is skipped
 * with a loud reason, even under {@code -Dnagare.requireAll}, since no install step can provide one.
 */
class DockerImageIT {
    @Test
    void theImageRunsAsNonRootAndBecomesHealthy() throws Exception {
        Result info = exec(List.of("docker", "info", "--format", "{{.ServerVersion}}"), Duration.ofSeconds(30));
        if (info.code != 0) {
            String reason = "NO DOCKER DAEMON: the Dockerfile's image is not built or run here (" + info.out.strip() + ")";
            System.err.println("*** " + reason);
            Assumptions.abort(reason);
        }
        Result pack = exec(List.of("env", "PACKAGE_SKIP_BUILD=1", "scripts/package"), Duration.ofMinutes(5));
        assertThat(pack.code).as(pack.out).isZero();
        String archive = pack.out.lines().filter(l -> l.endsWith("-linux-x64.tar.gz")).reduce((a, b) -> b).orElseThrow();
        String version = archive.replaceAll(".*/nagare-(.+)-linux-x64\\.tar\\.gz$", "$1");

        String tag = "nagare-it:" + UUID.randomUUID().toString().substring(0, 8);
        String name = tag.replace(':', '-');
        try {
            Result build = exec(List.of("docker", "build", "--build-arg", "VERSION=" + version, "-t", tag, "."),
                    Duration.ofMinutes(10));
            assertThat(build.code).as(build.out).isZero();
            Result run = exec(List.of("docker", "run", "-d", "--name", name, "-P", tag), Duration.ofMinutes(1));
            assertThat(run.code).as(run.out).isZero();

            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            String health = "";
            // Docker announces no health change to a waiting client: read the state until it settles.
            while (System.nanoTime() < deadline && !health.equals("healthy") && !health.equals("unhealthy")) {
                health = exec(List.of("docker", "inspect", "--format", "{{.State.Health.Status}}", name),
                        Duration.ofSeconds(30)).out.strip();
                Thread.sleep(1000);
            }
            assertThat(health).as(exec(List.of("docker", "logs", name), Duration.ofSeconds(30)).out).isEqualTo("healthy");
            String user = exec(List.of("docker", "exec", name, "id", "-un"), Duration.ofSeconds(30)).out.strip();
            assertThat(user).isEqualTo("nagare");
        } finally {
            exec(List.of("docker", "rm", "-f", name), Duration.ofMinutes(1));
            exec(List.of("docker", "rmi", "-f", tag), Duration.ofMinutes(1));
        }
    }

    private record Result(int code, String out) {
    }

    private static Result exec(List<String> cmd, Duration limit) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(124, out);
        }
        return new Result(p.exitValue(), out);
    }
}
