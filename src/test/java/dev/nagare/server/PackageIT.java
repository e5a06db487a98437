package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.NagareProcess;
import dev.nagare.testing.Tools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as an operator installs it: {@code scripts/package} builds it from the jar
 * {@code mvn verify} just made; it is unpacked into a temporary directory and its {@code bin/nagare}
 * runs with no {@code java} on {@code PATH} and no {@code JAVA_HOME}, with the example settings it
 * ships, to a ready server. Its systemd unit is checked by systemd's own tools.
 */
class PackageIT {
    private static final Pattern READY = Pattern.compile("ready at (http://\\S+) ");
    private static final Pattern MANAGEMENT = Pattern.compile("Management port (\\d+) on ");
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+)");

    @TempDir
    static Path dir;
    static Path home;

    @BeforeAll
    static void buildAndUnpack() throws Exception {
        Path out = dir.resolve("out");
        ProcessBuilder pb = new ProcessBuilder("scripts/package").redirectErrorStream(true);
        pb.environment().put("PACKAGE_SKIP_BUILD", "1");
        pb.environment().put("PACKAGE_OUT", out.toString());
        String log = run(pb, Duration.ofMinutes(5));
        Path archive;
        try (var files = Files.list(out)) {
            archive = files.filter(p -> p.getFileName().toString().matches("nagare-.+-linux-x64\\.tar\\.gz"))
                    .findFirst().orElseThrow(() -> new AssertionError("no archive in " + out + ":\n" + log));
        }
        Path unpacked = Files.createDirectories(dir.resolve("opt"));
        run(new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString()).redirectErrorStream(true),
                Duration.ofMinutes(1));
        try (var entries = Files.list(unpacked)) {
            home = entries.findFirst().orElseThrow();
        }
    }

    @Test
    void theLauncherRunsOnTheShippedRuntimeWithNoJavaOnThePath() throws Exception {
        for (String part : List.of("bin/nagare", "bin/nagare-cds", "runtime/lib/server/classes.jsa", "runtime/bin/java",
                "lib/nagare.jar", "etc/nagare.yaml",
                "systemd/nagare.service", "README.md")) {
            assertThat(home.resolve(part)).as(part).exists();
        }
        assertThat(Files.isExecutable(home.resolve("bin/nagare"))).isTrue();

        // A PATH with only what the launcher script itself calls: no java anywhere on it.
        Path bin = Files.createDirectories(dir.resolve("path"));
        for (String tool : List.of("sh", "dirname", "readlink")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(which(tool)));
        }
        assertThat(bin.resolve("java")).doesNotExist();

        Path data = dir.resolve("data");
        // The example config's fixed ports, free ones here (a test must not need 8080 or 9090).
        ProcessBuilder pb = launcher("--config", home.resolve("etc/nagare.yaml").toString(), "--port", "0",
                "--management-port", "0", "--data-dir", data.toString());
        pb.environment().put("PATH", bin.toString());
        try (NagareProcess server = NagareProcess.start("packaged", pb)) {
            String url = server.awaitLine(READY, Duration.ofSeconds(60)).group(1);
            HttpResponse<String> ready = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            // The example config turns the management port on: probes go there.
            String management = server.awaitLine(MANAGEMENT, Duration.ofSeconds(5)).group(1);
            HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + management + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            // The server's hints name the launcher, not a jar the host does not have.
            Matcher hint = server.awaitLine(Pattern.compile("Change it with: (\\S+) user passwd admin"), Duration.ofSeconds(5));
            assertThat(hint.group(1)).endsWith("bin/nagare");
            assertThat(String.join("\n", server.lines())).doesNotContain("java -jar");

            server.terminate();
            assertThat(server.awaitExit(Duration.ofSeconds(30))).isZero();
        }

        // The account commands run through the same launcher against the same store.
        ProcessBuilder list = launcher("user", "list", "--data-dir", data.toString());
        list.environment().put("PATH", bin.toString());
        assertThat(run(list.redirectErrorStream(false), Duration.ofMinutes(1))).contains("admin");
    }

    @Test
    void nagareCdsMakesAClassDataArchiveThatTheLauncherUsesAndAStaleOneIsIgnoredQuietly() throws Exception {
        Path archive = home.resolve("lib/nagare.jsa");
        try {
            String made = run(new ProcessBuilder(home.resolve("bin/nagare-cds").toString()).redirectErrorStream(true),
                    Duration.ofMinutes(3));
            assertThat(made).contains("wrote " + archive);
            assertThat(archive).isNotEmptyFile();

            // Nagare's own classes now come from the archive ("top": the layer above the runtime's JDK classes).
            ProcessBuilder traced = launcher("--version").redirectErrorStream(true);
            traced.environment().put("NAGARE_JAVA_OPTS", "-Xlog:class+load=info");
            assertThat(run(traced, Duration.ofMinutes(1)))
                    .containsPattern("dev\\.nagare\\.server\\.Main source: shared objects file \\(top\\)");

            // An archive the JVM cannot use (here not an archive at all) is skipped without a word.
            Files.write(archive, new byte[4096]);
            assertThat(run(launcher("--version").redirectErrorStream(true), Duration.ofMinutes(1)).strip())
                    .matches("Nagare \\S+");
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    @Test
    void theSystemdUnitVerifiesAndIsHardened() throws Exception {
        Path systemdAnalyze = Tools.require("systemd-analyze", "apt-get install systemd", "/usr/bin/systemd-analyze",
                "/bin/systemd-analyze");
        String unit = Files.readString(home.resolve("systemd/nagare.service"), StandardCharsets.UTF_8);
        for (String line : List.of("ProtectSystem=strict", "StateDirectory=nagare", "LimitNOFILE=65536",
                "Restart=on-failure", "NoNewPrivileges=yes", "User=nagare")) {
            assertThat(unit).as("the unit sets " + line).contains("\n" + line + "\n");
        }
        // verify checks that ExecStart is executable: point it at the unpacked launcher.
        Path local = dir.resolve("nagare.service");
        Files.writeString(local, unit.replace("/opt/nagare/bin/nagare", home.resolve("bin/nagare").toString()));

        String verify = run(new ProcessBuilder(systemdAnalyze.toString(), "verify", local.toString())
                .redirectErrorStream(true), Duration.ofMinutes(1));
        assertThat(verify).as("systemd-analyze verify").doesNotContain("nagare.service:");

        String security = run(new ProcessBuilder(systemdAnalyze.toString(), "security", "--offline=true", local.toString())
                .redirectErrorStream(true), Duration.ofMinutes(1));
        Matcher m = EXPOSURE.matcher(security);
        assertThat(m.find()).as(security).isTrue();
        // systemd rates 0-10; up to 2.0 is "OK" (a unit without hardening rates 9.6, "UNSAFE").
        assertThat(Double.parseDouble(m.group(1))).as(security).isLessThanOrEqualTo(2.0);
    }

    private static ProcessBuilder launcher(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(home.resolve("bin/nagare").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().put("HOME", dir.toString());
        return pb;
    }

    private static String which(String tool) throws IOException {
        for (String d : List.of("/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return Path.of(d, tool).toString();
            }
        }
        throw new AssertionError(tool + " not found in /usr/bin or /bin");
    }

    /** Runs to its end; its output; fails on a non-zero exit. */
    private static String run(ProcessBuilder pb, Duration limit) throws IOException, InterruptedException {
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", pb.command()) + " did not end in " + limit + ":\n" + out);
        }
        assertThat(p.exitValue()).as(String.join(" ", pb.command()) + ":\n" + out).isZero();
        return out;
    }
}
