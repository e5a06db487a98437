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
                + "\nReproduce: `BENCH_STARTUP_RUNS=5 BENCH_STARTUP_PACKAGE=1 scripts/bench startup`.\n"
                + profile(results);
    }

    /** "Where Nagare's start-up goes": one more launch, logged, from startup-nagare-profile.json. */
    private static String profile(Path results) throws IOException {
        Path f = results.resolve("startup-nagare-profile.json");
        if (!Files.exists(f)) {
            return "";
        }
        JsonObject r = new JsonObject(Files.readString(f));
        long ready = r.getLong("readyMs");
        StringBuilder owners = new StringBuilder();
        r.getJsonObject("classesByOwner").forEach(e -> owners.append(owners.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %,d", e.getKey(), ((Number) e.getValue()).longValue())));
        StringBuilder cpu = new StringBuilder();
        long cpuTotal = 0;
        for (var e : r.getJsonObject("cpuMsByThreads")) {
            long ms = ((Number) e.getValue()).longValue();
            cpuTotal += ms;
            cpu.append(String.format(Locale.ROOT, "| %s | %,d ms |%n", e.getKey(), ms));
        }
        Double createVm = r.getDouble("createVmMs");
        return String.format(Locale.ROOT, "%n### Where Nagare's start-up goes%n%n"
                + "One more launch of `java -jar target/nagare.jar` (%s; not one of the timed launches above, as it logs"
                + " every class it loads, which slows it a little) was ready in %,d ms. The JVM itself was created in %s"
                + " (`-Xlog:startuptime`, \"Create VM\"). Before answering it loaded **%,d classes** (%,d of them from the"
                + " JDK's class data archive; `-Xlog:class+load`), by owner: %s. Its threads used %,d ms of CPU by then"
                + " (from `/proc/<pid>/task/*/stat` when the first handshake was answered): %.0f%% of the wall time on"
                + " one core, so the start is CPU work, and the JIT compilers' share is what a warm, ahead-of-time"
                + " compiled start would save:%n%n| Threads | CPU until ready |%n|---|---:|%n%s%n"
                + "Loading and verifying the application's classes and running them in the interpreter while the JIT"
                + " compiles them is most of that. Java 17 uses an archive of the application's classes (AppCDS) only"
                + " when the JVM is given `-XX:SharedArchiveFile`, which a jar cannot ask for: the release archive's"
                + " `bin/nagare` passes it once `bin/nagare-cds` has made the archive (the row above), and `java -jar`"
                + " cannot. Issue 21's 0.6 s goal would take that archive plus fewer classes at start (modules started"
                + " on first use).%n",
                r.getString("date", "").replaceFirst("T.*", ""), ready,
                createVm == null ? "an unknown time" : String.format(Locale.ROOT, "%,.0f ms", createVm),
                r.getLong("classes"), r.getLong("classesFromCds"), owners, cpuTotal, 100.0 * cpuTotal / ready, cpu);
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
