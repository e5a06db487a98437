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
        Path node = Tools.require("node", "apt-get install nodejs npm", "/usr/bin/node", "/usr/local/bin/node");
        if (!Files.exists(Path.of("npm/node_modules/socket.io-client/package.json"))) {
            String reason = "MISSING TOOL: npm/node_modules is not installed; run 'mvn generate-resources'"
                    + " (it runs npm ci in npm/).";
            Tools.require("npm packages", "mvn generate-resources", "npm/node_modules/.bin/__absent__");
            throw new IllegalStateException(reason);
        }
        List<String> cmd = new ArrayList<>(List.of(node.toString(), "src/test/js/" + script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(script + " " + String.join(" ", args) + " did not finish in 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new AssertionError(script + " " + String.join(" ", args) + " exited " + p.exitValue()
                    + ":\n" + err + "\n" + out);
        }
        String[] lines = out.split("\n");
        return new JsonObject(lines[lines.length - 1]);
    }
}
