package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
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
            JsonObject r = Report.load(results.resolve("idle-" + s[0] + ".json"));
            if (r == null) {
                continue;
            }
            // Older result files hold one count at the top level instead of steps.
            JsonArray steps = r.getJsonArray("steps", new JsonArray().add(r));
            for (int i = 0; i < steps.size(); i++) {
                JsonObject st = steps.getJsonObject(i);
                if (st.containsKey("skipped")) {
                    rows.append(String.format(Locale.ROOT, "| %s | %,d | %s | | | |%n", s[1], st.getInteger("connections"),
                            st.getString("skipped")));
                } else {
                    int wanted = st.getInteger("wanted", st.getInteger("connections"));
                    String count = wanted == st.getInteger("connections") ? String.format(Locale.ROOT, "%,d", wanted)
                            : String.format(Locale.ROOT, "%,d (%,d wanted; the most the open-file limit of %,d allows)",
                                    st.getInteger("connections"), wanted, st.getInteger("openFilesLimit"));
                    rows.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,d/s | %d → %d MB | **%.1f KB** |%n", s[1],
                            count, st.getLong("failed"), st.getLong("connectsPerSecond"),
                            st.getLong("rssBeforeMb"), st.getLong("rssAfterMb"), st.getDouble("rssPerConnectionKb")));
                }
            }
        }
        if (rows.length() == 0) {
            return "";
        }
        return "\n## Idle connections\n\nSocket.IO sessions over WebSocket (namespace /bench) opened with 64 in flight from 8"
                + " loopback addresses, then left idle (heartbeats answered), up to 10,000 and then 50,000. Resident memory is"
                + " read at each count after 5 s of quiet (and a full GC for the JVM, whose heap here is not pre-touched). A"
                + " count that needs more open files than the machine lets a process hold (RLIMIT_NOFILE, `ulimit -Hn`) is"
                + " measured at the most that limit allows, less a tenth of it (at least 500) for the files a process holds"
                + " besides its connections, as Nagare keeps by default (`--max-tcp-connections`).\n\n"
                + "| Server | Connections | Failed | Connect rate | RSS before → after | RSS per connection |\n"
                + "|---|---:|---:|---:|---:|---:|\n" + rows
                + "\nReproduce: `scripts/bench idle` (BENCH_IDLE_CONNECTIONS, default 10000,50000).\n"
                + IdleHeapReport.section(results);
    }
}
