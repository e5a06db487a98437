package dev.nagare.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The "Start-up and idle memory" section of docs/BENCHMARKS.md, from bench/results/startup-*.json. */
final class StartupReport {
    private StartupReport() {
    }

    static String section(Path results) throws IOException {
        StringBuilder rows = new StringBuilder();
        String[][] servers = {{"nagare", "Nagare (`java -jar target/nagare.jar`, default JVM options, fresh data dir)"},
                {"node", "Node.js socket.io"}, {"flask", "Flask-SocketIO + eventlet"}};
        for (String[] s : servers) {
            Path f = results.resolve("startup-" + s[0] + ".json");
            if (Files.exists(f)) {
                JsonObject r = new JsonObject(Files.readString(f));
                rows.append(String.format(Locale.ROOT, "| %s | %,d ms | %,d MB |%n", s[1], r.getLong("readyMs"),
                        r.getLong("idleRssKb") / 1024));
            }
        }
        if (rows.length() == 0) {
            return "";
        }
        return "\n## Start-up and idle memory\n\nFrom launching the process to the first Engine.IO handshake it answers"
                + " (`GET /socket.io/?EIO=4&transport=polling`), polled every 10 ms; then the resident memory after 5 s idle."
                + " Nagare's start includes opening SQLite, creating the schema and hashing the first admin password; the JVM"
                + " sizes its heap itself.\n\n| Server | Ready in | Idle RSS |\n|---|---:|---:|\n" + rows
                + "\nReproduce: `scripts/bench startup`.\n";
    }
}
