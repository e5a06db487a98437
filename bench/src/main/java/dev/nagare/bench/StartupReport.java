package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
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
        String[][] servers = {{"nagare", "Nagare (`java -jar target/nagare.jar`, default JVM options)"},
                {"nagare-package", "Nagare, release archive (`bin/nagare` with the archive `bin/nagare-cds` made)"},
                {"node", "Node.js socket.io"}, {"flask", "Flask-SocketIO + eventlet"}};
        for (String[] s : servers) {
            Path f = results.resolve("startup-" + s[0] + ".json");
            if (Files.exists(f)) {
                JsonObject r = new JsonObject(Files.readString(f));
                Double load = r.getDouble("loadBefore");
                rows.append(String.format(Locale.ROOT, "| %s | %,d ms | %s | %,d MB | %s | %s | %s | %s |%n", s[1],
                        r.getLong("readyMs"), range(r.getJsonArray("readyMsRuns"), 1, " ms"), r.getLong("idleRssKb") / 1024,
                        range(r.getJsonArray("idleRssKbRuns"), 1024, " MB"), r.getInteger("runs", 1),
                        load == null ? "" : String.format(Locale.ROOT, "%.2f", load), r.getString("date", "").replaceFirst("T.*", "")));
            }
        }
        if (rows.length() == 0) {
            return "";
        }
        return "\n## Start-up and idle memory\n\nFrom launching the process to the first Engine.IO handshake it answers"
                + " (`GET /socket.io/?EIO=4&transport=polling`), polled every 10 ms; then the resident memory after 5 s idle."
                + " Each launch starts on a fresh data dir, so Nagare's start includes opening SQLite, creating the schema"
                + " and hashing the first admin password; the JVM sizes its heap itself (pinned to one core, it picks the"
                + " serial collector). Medians of the launches. The machine may be shared with other work: the load"
                + " average before each server's launches and the ranges show how much; compare rows"
                + " measured together, on the same date and load.\n\n| Server | Ready in (median) | Ready in (range)"
                + " | Idle RSS (median) | Idle RSS (range) | Launches | Load before | Measured |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|\n" + rows
                + "\nReproduce: `BENCH_STARTUP_RUNS=5 BENCH_STARTUP_PACKAGE=1 scripts/bench startup`.\n";
    }

    private static String range(JsonArray runs, long divisor, String unit) {
        if (runs == null || runs.isEmpty()) {
            return "";
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < runs.size(); i++) {
            min = Math.min(min, runs.getLong(i) / divisor);
            max = Math.max(max, runs.getLong(i) / divisor);
        }
        return String.format(Locale.ROOT, "%,d–%,d%s", min, max, unit);
    }
}
