package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The "Steady load: CPU per delivery" section of docs/BENCHMARKS.md, from bench/results/steady-*.json
 * and the profile of the Nagare run (steady-nagare-profile.json, -flame.svg, .folded).
 */
final class SteadyReport {
    private static final String[][] SERVERS = {
            {"nagare", "Nagare (the bench's JVM options)"},
            {"nagare-plain", "Nagare, plain `java -jar` (no JVM option)"},
            {"node", "Node.js socket.io"},
            {"nagare-window", "Nagare with a write window (the bench's JVM options)"}};

    private SteadyReport() {
    }

    static String section(Path results) throws IOException {
        JsonObject[] runs = new JsonObject[SERVERS.length];
        JsonObject any = null;
        for (int i = 0; i < SERVERS.length; i++) {
            Path f = results.resolve("steady-" + SERVERS[i][0] + ".json");
            if (Files.exists(f)) {
                runs[i] = new JsonObject(Files.readString(f));
                any = runs[i];
            }
        }
        if (any == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("\n## Steady load: CPU per delivery\n\n");
        b.append(String.format(Locale.ROOT, "%,d WebSocket clients in the room, the publisher at a fixed %s messages/s"
                        + " (%,d deliveries/s, the broadcast scenario's clients and 100-byte messages), each server freshly"
                        + " started. **Cold**: the first %s s after publishing starts (the clients already connected);"
                        + " **warm**: %s s measured after a further %s s. Server CPU is user + system time from"
                        + " `/proc/<pid>/stat` over the window, divided by the deliveries in it; system time is the"
                        + " kernel's share (mostly one `write` per delivery). Same CPU placement as above (server alone on"
                        + " CPU 0: a JVM pinned so sees one processor and picks the serial collector).%n%n",
                any.getInteger("clients"), fmt(any.getDouble("rateMsgsPerSec")), any.getLong("targetDeliveriesPerSec"),
                fmt(any.getDouble("coldSeconds")), fmt(any.getDouble("warmSeconds")), fmt(any.getDouble("warmupSeconds"))));
        b.append("| Server | JVM options | Window | Delivered/s (of target) | Server CPU | **CPU µs per delivery** | user µs"
                + " | system µs (share) | p50 | p99 | Load-gen CPU | Other CPU | Measured |\n");
        b.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (int i = 0; i < SERVERS.length; i++) {
            if (runs[i] == null) {
                continue;
            }
            for (String w : new String[] {"cold", "warm"}) {
                JsonObject x = runs[i].getJsonObject(w);
                if (x == null) {
                    b.append("| ").append(SERVERS[i][1]).append(" | | ").append(w).append(" | no result | | | | | | | | | |\n");
                    continue;
                }
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d (%.0f%%) | %.0f%% | **%.2f** | %.2f | %.2f (%.0f%%) | %s ms"
                                + " | %s ms | %.0f%% | %.0f%% | %s |%n", SERVERS[i][1], jvm(runs[i], SERVERS[i][0]), w,
                        x.getLong("deliveriesPerSec"), x.getDouble("deliveryRatio") * 100, x.getDouble("serverCpuPct", -1.0),
                        x.getDouble("cpuUsPerDelivery", -1.0), x.getDouble("userUsPerDelivery", -1.0),
                        x.getDouble("systemUsPerDelivery", -1.0), x.getDouble("systemShare", 0.0) * 100,
                        fmt(x.getDouble("p50Ms")), fmt(x.getDouble("p99Ms")), x.getDouble("loadgenCpuPct", -1.0),
                        x.getDouble("otherCpuPct", -1.0), runs[i].getString("finishedAt", "").replaceFirst("\\..*", "")));
            }
        }
        b.append('\n');
        b.append("**Nagare / Node.js, CPU per delivery: cold ").append(ratio(runs[0], runs[2], "cold"))
                .append(", warm ").append(ratio(runs[0], runs[2], "warm")).append("**")
                .append(" (issue #21's goal: 0.5× or less) · **plain / tuned Nagare: cold ")
                .append(ratio(runs[1], runs[0], "cold")).append(", warm ").append(ratio(runs[1], runs[0], "warm"))
                .append("**")
                .append(" (goal: 1.10× or less) · plain Nagare / Node.js: cold ").append(ratio(runs[1], runs[2], "cold"))
                .append(", warm ").append(ratio(runs[1], runs[2], "warm"));
        if (runs[3] != null) {
            b.append(" · Nagare with the write window / Node.js: cold ").append(ratio(runs[3], runs[2], "cold"))
                    .append(", warm ").append(ratio(runs[3], runs[2], "warm"));
        }
        b.append("\n\n");
        if (b.indexOf("(noisy\\*)") >= 0) {
            b.append("\\* Noisy: one of the two windows delivered less than 95% of the target or ran beside other work using"
                    + " more than 25% of a core (the Other CPU column): the server or the load generator was short of CPU,"
                    + " and the ratio says little.\n\n");
        }
        if (runs[3] != null) {
            b.append("The write-window row trades latency for CPU: with `--write-window` a connection written to within"
                    + " the window is flushed at its end, so at 50 messages/s two or three messages leave in one system"
                    + " call instead of one each, and each waits up to the window. It is a setting (default 0), shown"
                    + " here for what it costs and saves, not what a plain start does.\n\n");
        }
        b.append("Every ratio compares servers measured in the same run, one after another, on the same machine. \"Other"
                + " CPU\" is what the rest of the machine used during the window (from `/proc/stat`): well above a few %"
                + " means the machine was shared and the figures are noisy; a server starved of its core also delivers"
                + " less than the target and, its writes then coalescing, may show less CPU per delivery.\n");
        b.append(profile(results));
        b.append("\nReproduce: `BENCH_SERVERS=\"nagare nagare-plain node nagare-window\" scripts/bench steady` (knobs BENCH_STEADY_CLIENTS,"
                + " BENCH_STEADY_RATE, BENCH_STEADY_COLD, BENCH_STEADY_WARMUP, BENCH_STEADY_WARM; BENCH_STEADY_PROFILE=0"
                + " skips the profiled run, BENCH_STEADY_WINDOW the write window of nagare-window).\n");
        return b.toString();
    }

    private static String profile(Path results) throws IOException {
        Path f = results.resolve("steady-nagare-profile.json");
        if (!Files.exists(f)) {
            return "";
        }
        JsonObject p = new JsonObject(Files.readString(f));
        StringBuilder b = new StringBuilder("\n### Where Nagare's time goes (warm window)\n\n");
        JsonObject warm = p.getJsonObject("run", new JsonObject()).getJsonObject("warm");
        b.append(String.format(Locale.ROOT, "A second fresh Nagare server, the same load, with a flight recording (JFR,"
                + " `jcmd JFR.start`, Java code sampled every 1 ms) over the warm window: %,d samples of"
                + " `jdk.ExecutionSample`. JFR samples Java threads running Java code only: the kernel's part (the"
                + " `write` system calls), the JIT compilers and the GC are not in it.", p.getLong("samples")));
        if (warm != null && warm.containsKey("systemShare")) {
            b.append(String.format(Locale.ROOT, " In that run the server used %.2f µs per delivery, **%.0f%% of it in the"
                            + " kernel** (system %.2f µs, user %.2f µs); the percentages below are of the user part.",
                    warm.getDouble("cpuUsPerDelivery"), warm.getDouble("systemShare") * 100,
                    warm.getDouble("systemUsPerDelivery"), warm.getDouble("userUsPerDelivery")));
        }
        b.append(FlameReport.markdown(p, "steady-nagare-flame.svg", "steady-nagare.folded", "Flame graph of Nagare's warm window"));
        b.append("Reproduce the graph from a recording: `java -jar bench/target/nagare-bench.jar flame --jfr"
                + " bench/results/tmp/steady-nagare.jfr --from <ms> --to <ms> --run bench/results/tmp/steady-nagare-profiled.json"
                + " --folded bench/results/steady-nagare.folded --svg bench/results/steady-nagare-flame.svg --summary"
                + " bench/results/steady-nagare-profile.json` (the window's bounds are in the profiled run's JSON;"
                + " `scripts/bench steady` does all of it).\n");
        return b.toString();
    }

    private static String jvm(JsonObject run, String server) {
        String o = run.getString("serverJvmOptions", "");
        if (server.equals("node")) {
            return "–";
        }
        if (o.isBlank() || o.equals("(none)")) {
            return "none";
        }
        int env = o.indexOf(", "); // nagare-window: "<JVM options>, NAGARE_WRITE_WINDOW=50"
        return env < 0 ? "`" + o + "`" : "`" + o.substring(0, env) + "`, `" + o.substring(env + 2) + "`";
    }

    private static String ratio(JsonObject a, JsonObject b, String window) {
        if (a == null || b == null || a.getJsonObject(window) == null || b.getJsonObject(window) == null) {
            return "n/a";
        }
        JsonObject x = a.getJsonObject(window);
        JsonObject y = b.getJsonObject(window);
        Double cx = x.getDouble("cpuUsPerDelivery");
        Double cy = y.getDouble("cpuUsPerDelivery");
        if (cx == null || cy == null || cy == 0) {
            return "n/a";
        }
        String r = String.format(Locale.ROOT, "%.2f×", cx / cy);
        return noisy(x) || noisy(y) ? r + " (noisy\\*)" : r;
    }

    /** A window in which the server or load generator was short of CPU: its figures do not compare. */
    private static boolean noisy(JsonObject w) {
        return w.getDouble("deliveryRatio", 1.0) < 0.95 || w.getDouble("otherCpuPct", 0.0) > 25;
    }

    private static String fmt(Double v) {
        if (v == null) {
            return "?";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString(v.longValue());
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }
}
