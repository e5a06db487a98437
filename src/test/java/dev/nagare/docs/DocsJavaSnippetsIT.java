package dev.nagare.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java snippets of the README, compiled from the page itself against the packaged jar and run as
 * their own program: "Echo" (Socket.IO from Java), alone and with the async admission example added
 * where it belongs, each driven by the official Java socket.io client.
 */
class DocsJavaSnippetsIT {
    private static final Pattern READY = Pattern.compile("ready at (http://\\S+)");

    @TempDir
    Path dir;

    @Test
    void theEchoExampleAcksDeliveredAndBroadcastsToTheRoom() throws Exception {
        String echo = snippet("public class Echo");
        try (Program program = compileAndRun(echo)) {
            String url = program.url();
            Socket alice = connect(url, Map.of());
            Socket bob = connect(url, Map.of());
            BlockingQueue<Object> aliceGot = messages(alice);
            BlockingQueue<Object> bobGot = messages(bob);

            assertThat(emit(alice, "hello")).isEqualTo("delivered");
            assertThat(aliceGot.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");
            assertThat(bobGot.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");

            String bobId = bob.id();
            bob.disconnect();
            program.awaitLine(Pattern.compile(Pattern.quote(bobId) + " left: "));
            alice.disconnect();
        }
    }

    @Test
    void theAdmissionExampleLetsTheRightTokenInAndRefusesAnyOther() throws Exception {
        String echo = snippet("public class Echo");
        String admission = snippet("allowRequest");
        // The fragment goes where the README's prose puts it: into Echo's main, once `chat` exists.
        String anchor = "Namespace chat = nagare.io().of(\"/chat\");\n";
        assertThat(echo).contains(anchor);
        String program = echo.replace(anchor, anchor + admission.indent(8))
                .replace("import java.util.Map;", "import dev.nagare.socketio.ConnectError;\nimport java.util.Map;\nimport java.util.Set;");
        try (Program running = compileAndRun(program)) {
            String url = running.url();
            assertThat(refusal(url, Map.of("token", "guess"))).isEqualTo("invalid token {\"retry\":false}");
            Socket admitted = connect(url, Map.of("token", "let-me-in"));
            assertThat(emit(admitted, "hi")).isEqualTo("delivered");
            admitted.disconnect();
        }
    }

    /** The README's java block containing {@code marker}. */
    private static String snippet(String marker) throws IOException {
        List<DocBlock> found = DocBlock.parse("README.md", Files.readString(Path.of("README.md"))).stream()
                .filter(b -> b.lang().equals("java") && String.join("\n", b.lines()).contains(marker)).toList();
        assertThat(found).as("README java block with " + marker).hasSize(1);
        return String.join("\n", found.get(0).lines()) + "\n";
    }

    private Program compileAndRun(String source) throws Exception {
        Path jar = Path.of(System.getProperty("nagare.jar", "target/nagare.jar")).toAbsolutePath();
        Path src = Files.createDirectories(dir.resolve("src")).resolve("Echo.java");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, errors, errors, "-cp", jar.toString(), "-d", classes.toString(), src.toString());
        assertThat(rc).as("javac Echo.java from the README:\n" + errors.toString(StandardCharsets.UTF_8) + "\n" + source)
                .isZero();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                classes + java.io.File.pathSeparator + jar, "Echo").directory(dir.toFile()).redirectErrorStream(true);
        // Echo reads its configuration from the environment: a free port, not 8080, and a fresh data dir.
        pb.environment().put("NAGARE_PORT", Integer.toString(freePort()));
        pb.environment().put("NAGARE_DATA_DIR", dir.resolve("data").toString());
        return new Program(pb.start());
    }

    private static Socket connect(String url, Map<String, String> auth) throws Exception {
        Socket socket = socket(url, auth);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        socket.on(Socket.EVENT_CONNECT, a -> outcome.complete("connected"));
        socket.on(Socket.EVENT_CONNECT_ERROR, a -> outcome.complete("refused " + a[0]));
        socket.connect();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("connected");
        return socket;
    }

    /** The connect_error's message and data. */
    private static String refusal(String url, Map<String, String> auth) throws Exception {
        Socket socket = socket(url, auth);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        socket.on(Socket.EVENT_CONNECT, a -> outcome.complete("connected"));
        socket.on(Socket.EVENT_CONNECT_ERROR, a -> {
            var error = (org.json.JSONObject) a[0];
            outcome.complete(error.optString("message") + " " + error.opt("data"));
        });
        socket.connect();
        try {
            return outcome.get(10, TimeUnit.SECONDS);
        } finally {
            socket.close();
        }
    }

    private static Socket socket(String url, Map<String, String> auth) {
        return IO.socket(URI.create(url + "/chat"), IO.Options.builder().setForceNew(true).setReconnection(false)
                .setAuth(auth).build());
    }

    private static BlockingQueue<Object> messages(Socket socket) {
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        socket.on("message", a -> got.add(a[0]));
        return got;
    }

    private static Object emit(Socket socket, String text) throws Exception {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        socket.emit("message", new Object[] {text}, (Ack) a -> reply.complete(a[0]));
        return reply.get(10, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The snippet's JVM: its output line by line; stopped with SIGTERM as a user's Ctrl-C would. */
    private static final class Program implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder all = new StringBuilder();

        Program(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the program ended
                }
            }, "echo-output");
            reader.setDaemon(true);
            reader.start();
        }

        String url() throws InterruptedException {
            return awaitLine(READY).group(1);
        }

        Matcher awaitLine(Pattern pattern) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    break;
                }
                all.append(line).append('\n');
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            throw new AssertionError("no line matching " + pattern + " from Echo:\n" + all);
        }

        @Override
        public void close() throws InterruptedException {
            process.toHandle().destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
