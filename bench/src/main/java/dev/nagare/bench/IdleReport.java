package dev.nagare.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The "Idle connections" section of docs/BENCHMARKS.md, from bench/results/idle-*.json. */
final class IdleReport {
    private IdleReport() {
    }

    static String section(Path results) throws IOException {
        StringBuilder rows = new StringBuilder();
        String[][] servers = {{"nagare", "Nagare"}, {"node", "Node.js socket.io"}, {"flask", "Flask-SocketIO + eventlet"}};
        for (String[] s : servers) {
            Path f = results.resolve("idle-" + s[0] + ".json");
            if (Files.exists(f)) {
                JsonObject r = new JsonObject(Files.readString(f));
                rows.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d/s | %d → %d MB | **%.1f KB** |%n", s[1],
                        r.getInteger("connections"), r.getLong("failed"), r.getLong("connectsPerSecond"),
                        r.getLong("rssBeforeMb"), r.getLong("rssAfterMb"), r.getDouble("rssPerConnectionKb")));
            }
        }
        if (rows.length() == 0) {
            return "";
        }
        return "\n## Idle connections\n\nSocket.IO sessions over WebSocket (namespace /bench) opened with 64 in flight from 8"
                + " loopback addresses, then left idle (heartbeats answered). Resident memory is read after 5 s of quiet (and a"
                + " full GC for the JVM, whose heap here is not pre-touched). 50,000 connections cannot be tried in this"
                + " sandbox: it allows 20,000 open files per process (RLIMIT_NOFILE, not raisable).\n\n"
                + "| Server | Connections | Failed | Connect rate | RSS before → after | RSS per connection |\n"
                + "|---|---:|---:|---:|---:|---:|\n" + rows + "\nReproduce: `scripts/bench idle` (BENCH_IDLE_CONNECTIONS).\n";
    }
}
