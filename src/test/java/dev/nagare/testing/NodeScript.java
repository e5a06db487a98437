package dev.nagare.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a Node.js script from src/test/js with the npm packages of npm/ and returns its JSON result line. */
public final class NodeScript {
    private NodeScript() {
    }

    public static JsonObject run(String script, String... args) throws IOException, InterruptedException {
        return run(java.time.Duration.ofSeconds(30), script, args);
    }

    /** As {@link #run(String, String...)}, for scripts that may take up to {@code limit}. */
    public static JsonObject run(java.time.Duration limit, String script, String... args)
            throws IOException, InterruptedException {
        Path node = Tools.require("node", "apt-get install nodejs npm", "/usr/bin/node", "/usr/local/bin/node");
        if (!Files.exists(Path.of("npm/node_modules/socket.io-client/package.json"))) {
            String reason = "MISSING TOOL: npm/node_modules is not installed; run 'mvn generate-resources'"
                    + " (it runs npm ci in npm/).";
            Tools.require("npm packages", "mvn generate-resources", "npm/node_modules/.bin/__absent__");
            throw new IllegalStateException(reason);
        }
        List<String> cmd = new ArrayList<>(List.of(node.toString(), "src/test/js/" + script));
        cmd.addAll(List.of(args));
        // Output to files, not pipes: a script may print more than a pipe holds before it exits.
        Path outFile = Files.createTempFile("node-out", ".txt");
        Path errFile = Files.createTempFile("node-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(script + " " + String.join(" ", args) + " did not finish in " + limit.toSeconds() + " s");
        }
        String out = Files.readString(outFile, StandardCharsets.UTF_8).trim();
        String err = Files.readString(errFile, StandardCharsets.UTF_8).trim();
        Files.deleteIfExists(outFile);
        Files.deleteIfExists(errFile);
        if (p.exitValue() != 0) {
            throw new AssertionError(script + " " + String.join(" ", args) + " exited " + p.exitValue()
                    + ":\n" + err + "\n" + out);
        }
        String[] lines = out.split("\n");
        return new JsonObject(lines[lines.length - 1]);
    }
}
