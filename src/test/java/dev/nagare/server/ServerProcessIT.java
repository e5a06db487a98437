package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs the packaged jar as a user would: {@code java -jar target/nagare.jar}. */
class ServerProcessIT {
    private static final Pattern READY = Pattern.compile("ready at (http://\\S+) \\(data dir (.+)\\) in (\\d+) ms");

    @TempDir
    Path dir;

    @Test
    void theJarServesTheLandingPageAndExitsZeroOnSigterm() throws Exception {
        try (Running server = start("--port", "0", "--data-dir", dir.resolve("data").toString())) {
            String url = server.awaitLine(READY).group(1);
            HttpResponse<String> res = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).contains("Nagare");
            assertThat(Files.exists(dir.resolve("data").resolve("nagare.db"))).isTrue();

            // SIGTERM. Process.destroy() would also close our end of the output pipe.
            server.process.toHandle().destroy();
            assertThat(server.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(server.process.exitValue()).isZero();
            server.awaitLine(Pattern.compile("Store flushed and closed"));
            server.awaitLine(Pattern.compile("Nagare stopped"));
        }
    }

    /** Every JDK installed under /usr/lib/jvm (17 and 25 here) runs the jar cleanly. */
    static Stream<Path> installedJdks() throws IOException {
        Set<Path> seen = new LinkedHashSet<>();
        seen.add(Path.of(System.getProperty("java.home")).toRealPath());
        Path jvm = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvm)) {
            try (Stream<Path> dirs = Files.list(jvm)) {
                dirs.filter(d -> Files.isExecutable(d.resolve("bin/java"))).forEach(d -> {
                    try {
                        seen.add(d.toRealPath());
                    } catch (IOException ignored) {
                        // a dangling alternative link: not a JDK
                    }
                });
            }
        }
        return seen.stream();
    }

    @ParameterizedTest
    @MethodSource("installedJdks")
    void theJarRunsOnEveryInstalledJdkWithoutWarnings(Path javaHome) throws Exception {
        try (Running server = start(javaHome, "--port", "0", "--data-dir", dir.resolve("data").toString())) {
            String url = server.awaitLine(READY).group(1);
            HttpResponse<String> res = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
            server.process.toHandle().destroy();
            assertThat(server.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(server.process.exitValue()).isZero();
            server.awaitLine(Pattern.compile("Nagare stopped"));
            assertThat(server.all).noneMatch(l -> l.startsWith("WARNING"));
        }
    }

    @Test
    void jsonLogFormatWritesOneJsonObjectPerLine() throws Exception {
        try (Running server = start("--port", "0", "--data-dir", dir.resolve("data").toString(),
                "--log-format", "json")) {
            server.awaitLine(Pattern.compile("ready at http"));
            server.process.toHandle().destroy();
            assertThat(server.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(server.process.exitValue()).isZero();
            server.awaitLine(Pattern.compile("Nagare stopped"));
            List<String> after = server.linesAfter("ready at http");
            assertThat(after).isNotEmpty();
            for (String line : after) {
                JsonObject json = new JsonObject(line);
                assertThat(json.getString("level")).isNotNull();
                assertThat(json.getString("formattedMessage")).isNotNull();
            }
        }
    }

    @Test
    void anEmbeddedServerDrainsOnSigtermLikeTheCommandLine() throws Exception {
        String jar = Path.of(System.getProperty("nagare.jar", "target/nagare.jar")).toAbsolutePath().toString();
        String classpath = jar + java.io.File.pathSeparator + Path.of("target/test-classes").toAbsolutePath();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home")).resolve("bin/java").toString(), "-cp",
                classpath, EmbeddedMain.class.getName(), dir.resolve("data").toString());
        try (Running server = new Running(new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start())) {
            server.awaitLine(Pattern.compile("ready at http"));
            server.process.toHandle().destroy(); // SIGTERM (Process.destroy() would also close our end of the pipe)
            assertThat(server.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            server.awaitLine(Pattern.compile("Nagare stopped"));
        }
    }

    /** A command's exit code, standard output and standard error, each on its own. */
    private record Done(int exit, String out, String err) {
    }

    private Done command(String... args) throws Exception {
        String jar = Path.of(System.getProperty("nagare.jar", "target/nagare.jar")).toAbsolutePath().toString();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home")).resolve("bin/java").toString(),
                "-jar", jar));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Done(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void audioDevicesPrintsItsListFromTheRealJar() throws Exception {
        Done done = command("audio", "devices");
        assertThat(done.exit()).as(done.err()).isZero();
        assertThat(done.out()).matches("(?s)(No capture devices: .*|0: .*)");
    }

    @Test
    void accountCommandsPrintResultsOnStandardOutputAndNothingElse() throws Exception {
        String data = dir.resolve("data").toString();
        ProcessBuilder add = new ProcessBuilder(Path.of(System.getProperty("java.home")).resolve("bin/java").toString(),
                "-jar", Path.of(System.getProperty("nagare.jar", "target/nagare.jar")).toAbsolutePath().toString(),
                "user", "add", "alice", "--password-stdin", "--data-dir", data).directory(dir.toFile());
        Process p = add.redirectOutput(dir.resolve("add.txt").toFile()).redirectError(dir.resolve("add-err.txt").toFile())
                .start();
        p.getOutputStream().write("river stone lantern\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("add-err.txt"))).isZero();
        Done list = command("user", "list", "--data-dir", data);
        assertThat(list.exit()).as(list.err()).isZero();
        // One line per account, pipeable: no log lines among them (those go to stderr, warnings only).
        assertThat(list.out().lines().toList()).singleElement().asString().startsWith("alice ");
        assertThat(list.err()).doesNotContain(" INFO ");
    }

    /** The library an embedder installs is Nagare alone; the runnable jar carries every dependency. */
    @Test
    void theLibraryJarHoldsOnlyNagareAndTheRunnableJarEverything() throws Exception {
        Path runnable = Path.of(System.getProperty("nagare.jar", "target/nagare.jar")).toAbsolutePath();
        Path library = runnable.resolveSibling("nagare-" + Version.get() + ".jar");
        assertThat(library).exists();
        try (java.util.zip.ZipFile lib = new java.util.zip.ZipFile(library.toFile());
                java.util.zip.ZipFile all = new java.util.zip.ZipFile(runnable.toFile())) {
            assertThat(lib.stream().map(java.util.zip.ZipEntry::getName).filter(n -> n.endsWith(".class")))
                    .isNotEmpty().allMatch(n -> n.startsWith("dev/nagare/"));
            assertThat(all.getEntry("io/vertx/core/Vertx.class")).isNotNull();
            assertThat(all.getEntry("dev/nagare/server/Main.class")).isNotNull();
        }
    }

    /** Nagare's logging set-up is installed in code (LogConfigurator), without Logback's XML configurator. */
    @Test
    void theDefaultLogIsOneTextLinePerEventInTheDocumentedFormat() throws Exception {
        Pattern line = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) "
                + "(INFO |WARN |ERROR) \\[[^\\]]+\\] [\\w$.]+ - \\S.*$");
        try (Running server = start("--port", "0", "--data-dir", dir.resolve("data").toString())) {
            server.awaitLine(READY);
            server.process.toHandle().destroy();
            assertThat(server.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            server.awaitLine(Pattern.compile("Nagare stopped"));
            List<String> logged = server.all.stream().filter(l -> !l.startsWith("\t") && !l.isBlank()).toList();
            assertThat(logged).isNotEmpty().allMatch(l -> line.matcher(l).matches());
            assertThat(logged).anyMatch(l -> l.contains(" INFO  [main] d.n.s.Nagare - Nagare ") && l.contains(" ready at http"));
        }
    }

    @Test
    void aLogbackConfigurationFileGivenByTheUserIsHonoured() throws Exception {
        Path config = dir.resolve("my-logback.xml");
        Files.writeString(config, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>MINE %level %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        try (Running server = startWithJvmOptions(List.of("-Dlogback.configurationFile=" + config),
                "--port", "0", "--data-dir", dir.resolve("data").toString())) {
            server.awaitLine(Pattern.compile("^MINE INFO Nagare \\S+ ready at http"));
        }
    }

    /** Netty's JFR events would start Java 17's Flight Recorder machinery at the first request (see Main). */
    @Test
    void servingRequestsLoadsNoFlightRecorderEventClassesUnlessAsked() throws Exception {
        try (Running server = startWithJvmOptions(List.of("-Xlog:class+load=info"),
                "--port", "0", "--data-dir", dir.resolve("data").toString())) {
            String url = server.awaitLine(READY).group(1);
            HttpResponse<String> res = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url + "/socket.io/?EIO=4&transport=polling")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).startsWith("0{\"sid\"");
            server.process.toHandle().destroy();
            assertThat(server.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            server.awaitLine(Pattern.compile("Nagare stopped"));
            assertThat(server.all).anyMatch(l -> l.contains("io.netty.buffer.AdaptivePoolingAllocator "))
                    .noneMatch(l -> l.contains("io.netty.buffer.AllocateChunkEvent") || l.contains("jdk.jfr.internal.MetadataRepository"));
        }
    }

    @Test
    void aBadOptionPrintsAClearErrorAndExits2() throws Exception {
        try (Running server = start("--port", "not-a-port")) {
            assertThat(server.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(server.process.exitValue()).isEqualTo(2);
            server.awaitLine(Pattern.compile("Invalid value 'not-a-port' for port \\(from --port\\)"));
        }
    }

    private Running start(String... args) throws IOException {
        return start(Path.of(System.getProperty("java.home")), args);
    }

    private Running start(Path javaHome, String... args) throws IOException {
        return start(javaHome, List.of(), args);
    }

    private Running startWithJvmOptions(List<String> jvmOptions, String... args) throws IOException {
        return start(Path.of(System.getProperty("java.home")), jvmOptions, args);
    }

    private Running start(Path javaHome, List<String> jvmOptions, String... args) throws IOException {
        String jar = Path.of(System.getProperty("nagare.jar", "target/nagare.jar")).toAbsolutePath().toString();
        List<String> cmd = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        return new Running(p);
    }

    /** The process and its output, read on a background thread into a queue the test awaits. */
    private static final class Running implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());

        Running(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        all.add(line);
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "server-output");
            reader.setDaemon(true);
            reader.start();
        }

        Matcher awaitLine(Pattern pattern) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    break;
                }
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            throw new AssertionError("no line matching " + pattern + " in output:\n" + String.join("\n", all));
        }

        List<String> linesAfter(String marker) {
            synchronized (all) {
                int i = 0;
                while (i < all.size() && !all.get(i).contains(marker)) {
                    i++;
                }
                return new ArrayList<>(all.subList(Math.min(i, all.size()), all.size()));
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
