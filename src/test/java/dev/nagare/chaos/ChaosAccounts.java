package dev.nagare.chaos;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Accounts for the chaos suite: created with the jar's own commands ({@code nagare user ...}) against
 * a data dir, as an operator would, and logged in through the login API.
 */
final class ChaosAccounts {
    private ChaosAccounts() {
    }

    /** {@code nagare user add NAME --role ROLE --password-stdin --data-dir DIR}, before the server starts. */
    static void addUser(Path dataDir, String name, String role, String password) throws IOException, InterruptedException {
        run(dataDir, password + "\n", "user", "add", name, "--role", role, "--password-stdin");
    }

    /** Runs one CLI command with {@code stdin}; its output when it exits with 0, else an exception with it. */
    static String run(Path dataDir, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JarServer.jar().toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--data-dir", dataDir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    /** A bearer token for {@code user} from POST /api/auth/token. */
    static String token(JarServer server, String user, String password) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url()
                + "/api/auth/token")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                new JsonObject().put("username", user).put("password", password).encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token for " + user + ": " + r.statusCode() + " " + r.body());
        }
        return new JsonObject(r.body()).getString("token");
    }
}
