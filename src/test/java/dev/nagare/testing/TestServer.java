package dev.nagare.testing;

import dev.nagare.server.ConfigResolver;
import dev.nagare.server.Nagare;
import dev.nagare.server.ServerConfig;
import dev.nagare.server.Setting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the whole server on port 0 with a temporary data dir for one test class and hands the test
 * its base URL and a real HTTP client:
 *
 * <pre>{@code @RegisterExtension static final TestServer server = new TestServer();}</pre>
 */
public final class TestServer implements BeforeAllCallback, AfterAllCallback {
    private final Map<Setting, String> flags;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path dataDir;
    private Nagare nagare;
    private int port;

    public TestServer() {
        this(Map.of());
    }

    /** {@code flags} as if given on the command line; port 0 and the temporary data dir are applied after them. */
    public TestServer(Map<Setting, String> flags) {
        this.flags = Map.copyOf(flags);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("nagare-test-");
        // As the command line: every module unless the flags name some.
        ServerConfig config = ConfigResolver.resolve(flags, Map.of()).withPort(0).withDataDir(dataDir).withAllAppsUnlessNamed();
        nagare = Nagare.create(config).start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (nagare != null) {
            nagare.stop();
        }
        if (dataDir != null) {
            deleteTree(dataDir);
        }
    }

    /** Stops the server but keeps its data dir and port for {@link #startAgain()}. */
    public void stop() {
        port = nagare.port();
        nagare.stop();
    }

    /** Starts a new server on the same port and data dir, as after a crash or a deploy. */
    public void startAgain() {
        ServerConfig config = ConfigResolver.resolve(flags, Map.of()).withPort(port).withDataDir(dataDir)
                .withAllAppsUnlessNamed();
        nagare = Nagare.create(config).start();
    }

    public Nagare nagare() {
        return nagare;
    }

    public String baseUrl() {
        return nagare.baseUrl();
    }

    public URI uri(String path) {
        return URI.create(baseUrl() + path);
    }

    public Path dataDir() {
        return dataDir;
    }

    public HttpClient http() {
        return http;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
