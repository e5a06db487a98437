package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes docs/BENCHMARKS.md (and the latency plots next to the results) from the JSON files the
 * scenarios wrote into the results folder, plus machine.json written by scripts/bench.
 */
public final class Report {
    /** Servers in table order, with the names used in the result files. */
    private static final Map<String, String> LABELS = new LinkedHashMap<>();

    static {
        LABELS.put("nagare", "Nagare (Socket.IO, Vert.x)");
        LABELS.put("node", "Node.js socket.io");
        LABELS.put("flask", "Flask-SocketIO + eventlet (the guide's stack)");
        LABELS.put("raw", "Raw Vert.x WebSocket (no protocol)");
    }

    private static final Map<String, String> SHORT_LABELS = Map.of(
            "nagare", "Nagare", "node", "Node.js socket.io", "flask", "Flask-SocketIO", "raw", "raw Vert.x WebSocket");

    /** Where docs/BENCHMARKS.md finds the files in bench/results (set by main from --out and --results). */
    private static String resultsLink = "../bench/results";

    private Report() {
    }

    /** The markdown that shows bench/results/{@code file} in docs/BENCHMARKS.md. */
    static String image(String title, String file) {
        return "\n![" + title + "](" + resultsLink + "/" + file + ")\n";
    }

    /** A result file, or null when that run has not been made. */
    static JsonObject load(Path f) throws IOException {
        return Files.exists(f) ? new JsonObject(Files.readString(f)) : null;
    }

    /**
     * Draws {@code yKey} against {@code xKey} over the "steps" of each run (label to result, null
     * runs left out) into bench/results/{@code file}, and returns the markdown that shows it.
     */
    static String stepsChart(Path results, String file, String title, Plot.Axes axes, Map<String, JsonObject> runs,
            String xKey, String yKey) throws IOException {
        List<Plot.Series> series = new ArrayList<>();
        int color = 0;
        for (Map.Entry<String, JsonObject> run : runs.entrySet()) {
            if (run.getValue() == null) {
                color++;
                continue;
            }
            List<Plot.Point> points = new ArrayList<>();
            for (JsonObject st : Plot.steps(run.getValue())) {
                points.add(new Plot.Point(st.getDouble(xKey), st.getDouble(yKey),
                        st.getBoolean("pass", true) ? Plot.Mark.PASS : Plot.Mark.FAIL));
            }
            points.sort(java.util.Comparator.comparingDouble(Plot.Point::x));
            series.add(new Plot.Series(run.getKey(), color++, false, points));
        }
        if (series.isEmpty()) {
            return "";
        }
        Plot.chart(title, axes, series, null, null, results.resolve(file));
        return image(title, file);
    }

    public static void main(String[] args) throws Exception {
        Opts o = Opts.parse(args, 0);
        Path results = Path.of(o.str("results", "bench/results"));
        Path outFile = Path.of(o.str("out", "docs/BENCHMARKS.md"));
        resultsLink = relative(outFile, results);
        Path machineFile = Path.of(o.str("machine", results.resolve("machine.json").toString()));
        JsonObject machine = Files.exists(machineFile) ? new JsonObject(Files.readString(machineFile)) : new JsonObject();

        Map<String, JsonObject> broadcast = new LinkedHashMap<>();
        for (String server : LABELS.keySet()) {
            Path f = results.resolve("broadcast-" + server + ".json");
            if (Files.exists(f)) {
                broadcast.put(server, new JsonObject(Files.readString(f)));
            }
        }
        try (Stream<Path> files = Files.list(results)) { // servers beyond the three known ones
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith("broadcast-") && name.endsWith(".json")) {
                    String server = name.substring("broadcast-".length(), name.length() - ".json".length());
                    if (!broadcast.containsKey(server)) {
                        broadcast.put(server, new JsonObject(Files.readString(f)));
                    }
                }
            }
        }

        // Results of servers that this run did not measure (an earlier, partial run) are kept but flagged.
        java.util.Set<String> stale = new java.util.HashSet<>();
        for (Map.Entry<String, JsonObject> e : broadcast.entrySet()) {
            if (isStale(e.getValue(), machine)) {
                stale.add(e.getKey());
            }
        }
        Path historyFile = results.resolve("broadcast-history.jsonl");
        if (o.bool("record", false) && !broadcast.isEmpty()) {
            Map<String, JsonObject> fresh = new LinkedHashMap<>(broadcast);
            fresh.keySet().removeAll(stale);
            if (!fresh.isEmpty()) {
                record(historyFile, summary(fresh, machine));
            }
        }
        List<JsonObject> history = new ArrayList<>();
        if (Files.exists(historyFile)) {
            for (String line : Files.readAllLines(historyFile)) {
                if (!line.isBlank()) {
                    history.add(new JsonObject(line));
                }
            }
        }

        Path plot = results.resolve("broadcast-latency.png");
        if (!broadcast.isEmpty()) {
            Plot.latencyVsRate(broadcast, SHORT_LABELS, plot, clientsOf(broadcast));
        }
        Map<String, String> gc = new LinkedHashMap<>();
        for (String server : broadcast.keySet()) {
            String srv = gcSummary(results.resolve("tmp").resolve("broadcast-" + server + "-gc.log"));
            String lg = gcSummary(results.resolve("tmp").resolve("broadcast-" + server + "-loadgen-gc.log"));
            if (srv != null || lg != null) {
                gc.put(server, (srv == null ? "" : "server JVM " + srv) + (srv != null && lg != null ? "; " : "")
                        + (lg == null ? "" : "load-generator JVM " + lg));
            }
        }
        String md = markdown(machine, broadcast, relative(outFile, plot), vertxVersion(), gc, history, stale)
                + RpcReport.section(results) + IdleReport.section(results) + SseReport.section(results)
                + ChatReport.section(results) + VideoReport.section(results) + GameReport.section(results)
                + AudioReport.section(results) + StartupReport.section(results) + SetupReport.section(results)
                + ClusterReport.section(results) + SteadyReport.section(results);
        Files.createDirectories(outFile.toAbsolutePath().getParent());
        Files.writeString(outFile, md);
        System.out.println("wrote " + outFile + (broadcast.isEmpty() ? "" : " and " + plot));
    }

    private static int clientsOf(Map<String, JsonObject> runs) {
        return runs.values().iterator().next().getInteger("clients", 0);
    }

    private static String relative(Path from, Path to) {
        Path base = from.toAbsolutePath().normalize().getParent();
        return base.relativize(to.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    static String vertxVersion() {
        try (InputStream in = Report.class.getClassLoader().getResourceAsStream("META-INF/vertx/vertx-version.txt")) {
            return in == null ? "?" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    // ------------------------------------------------------------------ markdown

    /** "Serial, 12 pauses, max 6.1 ms, total 40 ms" from a -Xlog:gc file, or null. */
    static String gcSummary(Path log) throws IOException {
        if (!Files.exists(log)) {
            return null;
        }
        String collector = "?";
        int pauses = 0;
        double max = 0;
        double total = 0;
        java.util.regex.Pattern ms = java.util.regex.Pattern.compile("Pause.* ([0-9.]+)ms\\s*$");
        java.util.regex.Pattern after = java.util.regex.Pattern.compile("Pause Young.*->([0-9]+)M\\(");
        String live = null;
        int forced = 0;
        for (String line : Files.readAllLines(log)) {
            int using = line.indexOf("Using ");
            if (using >= 0 && "?".equals(collector)) {
                collector = line.substring(using + 6).trim();
            }
            java.util.regex.Matcher mm = ms.matcher(line);
            if (line.contains("(Diagnostic Command)") || line.contains("(System.gc())")) {
                forced++; // the deliberate collection after warm-up, outside the measured steps
            } else if (mm.find()) {
                double v = Double.parseDouble(mm.group(1));
                pauses++;
                max = Math.max(max, v);
                total += v;
            }
            java.util.regex.Matcher am = after.matcher(line);
            if (am.find()) {
                live = am.group(1);
            }
        }
        return String.format(Locale.ROOT, "%s GC: %d pauses, longest %s ms, %s ms in all%s%s", collector, pauses,
                fmt(max), fmt(total), live == null ? "" : ", heap after the last young collection " + live + " MB",
                forced == 0 ? "" : " (not counting " + forced + " forced full GC after warm-up)");
    }

    /** Whether a result file predates the run described by machine.json (written when a run starts). */
    static boolean isStale(JsonObject result, JsonObject machine) {
        try {
            java.time.Instant started = java.time.Instant.parse(machine.getString("date"));
            java.time.Instant finished = java.time.Instant.parse(result.getString("finishedAt"));
            return finished.isBefore(started);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** One line of the run history: when, how many clients, and each server's max and cost. */
    static JsonObject summary(Map<String, JsonObject> runs, JsonObject machine) {
        JsonObject servers = new JsonObject();
        int clients = 0;
        for (Map.Entry<String, JsonObject> e : runs.entrySet()) {
            JsonObject best = e.getValue().getJsonObject("max");
            clients = e.getValue().getInteger("clients", clients);
            JsonObject one = new JsonObject().put("finishedAt", e.getValue().getString("finishedAt"));
            if (best != null) {
                one.put("maxDeliveriesPerSec", best.getLong("deliveriesPerSec"))
                        .put("p50Ms", best.getDouble("p50Ms"))
                        .put("p99Ms", best.getDouble("p99Ms"))
                        .put("cpuUsPerDelivery", Math.round(cpuPerDelivery(best) * 100) / 100.0)
                        .put("loadgenCpuPct", best.getDouble("loadgenCpuPct"));
            }
            servers.put(e.getKey(), one);
        }
        return new JsonObject().put("date", machine.getString("date", "?")).put("clients", clients)
                .put("nagare", machine.getString("nagare", "?")).put("servers", servers);
    }

    /** Appends {@code line} to the history unless a line with the same date is already there. */
    static void record(Path file, JsonObject line) throws IOException {
        if (Files.exists(file)) {
            for (String l : Files.readAllLines(file)) {
                if (!l.isBlank() && line.getString("date").equals(new JsonObject(l).getString("date"))) {
                    return;
                }
            }
        }
        Files.writeString(file, line.encode() + "\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    static String markdown(JsonObject m, Map<String, JsonObject> runs, String plotPath, String vertx,
            Map<String, String> gc, List<JsonObject> history, java.util.Set<String> stale) {
        StringBuilder b = new StringBuilder();
        b.append("# Benchmarks\n\n");
        b.append("Generated by `scripts/bench` on ").append(m.getString("date", "?"))
                .append(". Do not edit by hand: rerun `scripts/bench` to refresh every number, table and plot here.\n\n");

        b.append("## Machine\n\n");
        b.append("| | |\n|---|---|\n");
        row(b, "CPU", m.getString("cpuModel", "?") + ", " + m.getValue("nproc", "?") + " cores (`nproc`)");
        row(b, "Memory", m.getString("memory", "?"));
        row(b, "Kernel", m.getString("kernel", "?"));
        row(b, "Java", m.getString("java", System.getProperty("java.version")));
        row(b, "Vert.x", vertx);
        row(b, "Node.js", m.getString("node", "?"));
        row(b, "socket.io (Node reference)", m.getString("socketio", "?"));
        row(b, "Nagare", m.getString("nagare", "?"));
        if (m.containsKey("peers")) {
            row(b, "Other peers (Debian packages)", m.getString("peers"));
        }
        row(b, "CPU placement", m.getString("placement", "?"));
        row(b, "Other load on the machine", m.getString("loadavg", "?"));
        if (m.containsKey("runSeconds")) {
            row(b, "Duration of the run", String.format(Locale.ROOT, "%d min %02d s (%s)", m.getInteger("runSeconds") / 60,
                    m.getInteger("runSeconds") % 60, m.getString("scenarios", "?")));
        }
        b.append('\n');

        if (runs.isEmpty()) {
            b.append("No results yet: run `scripts/bench`.\n");
            return b.toString();
        }
        JsonObject any = runs.values().iterator().next();
        int clients = any.getInteger("clients", 0);
        JsonObject crit = any.getJsonObject("criteria", new JsonObject());
        double maxP99 = crit.getDouble("maxP99Ms", 50.0);
        double minRatio = crit.getDouble("minDeliveryRatio", 0.9);

        b.append("## Broadcast fan-out\n\n");
        b.append(String.format(Locale.ROOT, """
                %,d WebSocket clients join one room; one more client, the publisher, emits %d-byte messages \
                (`{"t":<publish time>,"pad":"…"}`) that the server broadcasts to the room. The publish rate is \
                raised in steps (x%s per step, then %d refining steps between the last passing and the first \
                failing rate); each step settles for %s s and is measured for %s s. A step passes while p99 \
                latency <= %s ms, at least %.0f%% of the target deliveries arrive and no client is disconnected. \
                **Max sustainable** is the highest passing step, in deliveries/s (messages/s x %,d receivers).

                Nagare and Node.js socket.io run the same application (namespace `/bench`, join room `bench` \
                unless the CONNECT auth is `{"role":"publisher"}`, on `publish` emit `tick` to the room) over \
                Engine.IO v4 / Socket.IO v5 on the WebSocket transport. The raw Vert.x server speaks no protocol \
                at all (text frames forwarded to every socket with Vert.x's public API): it is what a plain \
                Vert.x application gets, the JVM baseline. Nagare goes past it (see Method and caveats).

                """, clients, any.getInteger("payloadBytes", 100), fmt(factorOf(any)), refineCount(any),
                fmt(any.getDouble("settleSeconds", 1.0)), fmt(any.getDouble("stepSeconds", 3.0)), fmt(maxP99),
                minRatio * 100, clients));

        b.append("| Server | Max sustainable deliveries/s | Messages/s | p50 | p99 | Server CPU | Server CPU per delivery | Load-generator CPU | Server RSS | Disconnects | Next rate tried (failed) |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<String> notes = new ArrayList<>();
        for (Map.Entry<String, JsonObject> e : runs.entrySet()) {
            JsonObject r = e.getValue();
            JsonObject best = r.getJsonObject("max");
            String label = LABELS.getOrDefault(e.getKey(), e.getKey());
            if (stale.contains(e.getKey())) {
                notes.add(String.format(Locale.ROOT, "%s: result of an earlier run (%s, %d clients), not of this one.",
                        label, r.getString("finishedAt", "?"), r.getInteger("clients", 0)));
                label += " (earlier run)";
            }
            if (best == null) {
                b.append("| ").append(label).append(" | none passed | | | | | | | | ")
                        .append(r.getLong("disconnects", 0L)).append(" | |\n");
                continue;
            }
            Long next = RampBounds.nextFailed(r);
            b.append(String.format(Locale.ROOT, "| %s | **%,d** | %,.0f | %s ms | %s ms | %.0f%% | %s µs | %.0f%% | %s MB | %d | %s |\n",
                    label, best.getLong("deliveriesPerSec"), best.getDouble("rateMsgsPerSec"),
                    fmt(best.getDouble("p50Ms")), fmt(best.getDouble("p99Ms")), best.getDouble("serverCpuPct"),
                    fmt(cpuPerDelivery(best)),
                    best.getDouble("loadgenCpuPct"), best.getValue("serverRssMb"), r.getLong("disconnects", 0L),
                    next == null ? "–" : String.format(Locale.ROOT, "%,d", next)));
            if (best.getDouble("loadgenCpuOfAvailablePct", 0.0) >= 90) {
                notes.add(String.format(Locale.ROOT, "%s: the load generator used %.0f%% of the CPU it had at the max step, "
                        + "so it may be the bottleneck; the server's real ceiling may be higher.", label,
                        best.getDouble("loadgenCpuOfAvailablePct")));
            }
            JsonArray errs = r.getJsonArray("errors", new JsonArray());
            for (int i = 0; i < errs.size(); i++) {
                notes.add(label + ": " + errs.getString(i));
            }
            if (gc.containsKey(e.getKey())) {
                notes.add(label + ": " + gc.get(e.getKey()) + " (whole run, warm-up included).");
            }
            JsonObject reasons = r.getJsonObject("closeReasons", new JsonObject());
            if (!reasons.isEmpty()) {
                notes.add(label + ": disconnects by reason " + reasons.encode());
            }
        }
        b.append('\n');
        b.append("p50/p99, CPU and RSS are those of the max sustainable step. CPU is in % of one core (100% = one core "
                + "busy for the whole step), measured over the step: the server from `/proc/<pid>/stat`, the load "
                + "generator from `OperatingSystemMXBean.getProcessCpuTime()`. The JVMs' RSS includes their whole "
                + "pre-touched 1 GB heap; their live heap is in the GC notes below. \"Server CPU per delivery\" (server "
                + "CPU time / deliveries) is the server's efficiency, independent of where the ramp stopped. "
                + "\"Next rate tried\" is the lowest failing rate above the max: the true limit lies between the two."
                + "\n\n");

        Long nagare = maxOf(runs.get("nagare"));
        Long node = maxOf(runs.get("node"));
        Long raw = maxOf(runs.get("raw"));
        Long flask = maxOf(runs.get("flask"));
        b.append("**Nagare / Node.js socket.io (max sustainable deliveries/s): ").append(ratio(nagare, node)).append("**")
                .append(" · **Nagare / Flask-SocketIO: ").append(flaskRatio(runs, nagare, flask)).append("**")
                .append(RampBounds.note(runs.get("nagare"), runs.get("flask"), "Flask-SocketIO"))
                .append(" · Nagare / raw Vert.x: ").append(ratio(nagare, raw))
                .append(RampBounds.note(runs.get("nagare"), runs.get("raw"), "raw Vert.x"))
                .append(" · Node.js / raw Vert.x: ").append(ratio(node, raw)).append("\n\n");
        Double nagareCost = costOf(runs.get("nagare"));
        Double nodeCost = costOf(runs.get("node"));
        if (nagareCost != null && nodeCost != null) {
            b.append(String.format(Locale.ROOT, "Server CPU per delivery at the max step: Nagare %s µs, Node.js %s µs "
                    + "(Node.js / Nagare: %.2f×)%s.%n%n", fmt(nagareCost), fmt(nodeCost), nodeCost / nagareCost,
                    costOf(runs.get("raw")) == null ? "" : ", raw Vert.x " + fmt(costOf(runs.get("raw"))) + " µs"));
        }
        if (!notes.isEmpty()) {
            b.append("Notes from this run:\n\n");
            for (String n : notes) {
                b.append("- ").append(n).append('\n');
            }
            b.append('\n');
        }
        b.append("![p50 and p99 latency against offered deliveries/s](").append(plotPath).append(")\n\n");
        b.append("Latency against offered load (target deliveries/s), p99 solid and p50 dashed; hollow markers are "
                + "failing steps, crosses are failed attempts that were retried; the red line is the ")
                .append(fmt(maxP99)).append(" ms limit.\n\n");

        if (!history.isEmpty()) {
            b.append("### Run history\n\n");
            b.append("Every full run recorded by `scripts/bench` (newest last), to show how much the numbers move from "
                    + "run to run on this machine.\n\n");
            b.append("| Date | Clients | Nagare deliv/s | Node.js deliv/s | raw deliv/s | Nagare / Node.js | Nagare / raw "
                    + "| CPU µs per delivery: Nagare / Node.js / raw | Nagare build |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
            for (JsonObject h : history.subList(Math.max(0, history.size() - 12), history.size())) {
                JsonObject sv = h.getJsonObject("servers", new JsonObject());
                Long na = histMax(sv, "nagare");
                Long no = histMax(sv, "node");
                Long ra = histMax(sv, "raw");
                b.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s / %s / %s | %s |\n",
                        h.getString("date"), h.getInteger("clients", 0), num(na), num(no), num(ra), ratio(na, no),
                        ratio(na, ra), histCost(sv, "nagare"), histCost(sv, "node"), histCost(sv, "raw"),
                        h.getString("nagare", "?")));
            }
            b.append('\n');
        }

        b.append("### Every step\n\n");
        for (Map.Entry<String, JsonObject> e : runs.entrySet()) {
            JsonObject r = e.getValue();
            b.append("#### ").append(LABELS.getOrDefault(e.getKey(), e.getKey())).append("\n\n");
            b.append(String.format(Locale.ROOT, "%d clients connected in %s ms; run took %s s.%n%n",
                    r.getInteger("clients", 0), r.getJsonObject("connect", new JsonObject()).getValue("ms", "?"),
                    r.getValue("durationSeconds", "?")));
            b.append("| Step | Phase | Msgs/s | Target deliv/s | Delivered/s | % | p50 ms | p99 ms | p99.9 ms | max ms | Server CPU | Load-gen CPU | Other CPU | RSS MB | Result |\n");
            b.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
            JsonArray steps = r.getJsonArray("steps", new JsonArray());
            for (int i = 0; i < steps.size(); i++) {
                JsonObject s = steps.getJsonObject(i);
                b.append(String.format(Locale.ROOT,
                        "| %d | %s | %,.1f | %,d | %,d | %.1f | %s | %s | %s | %s | %.0f%% | %.0f%% | %s | %s | %s |\n",
                        s.getInteger("index"), s.getString("phase"), s.getDouble("rateMsgsPerSec"),
                        s.getLong("targetDeliveriesPerSec"), s.getLong("deliveriesPerSec"),
                        s.getDouble("deliveryRatio") * 100, fmt(s.getDouble("p50Ms")), fmt(s.getDouble("p99Ms")),
                        fmt(s.getDouble("p999Ms")), fmt(s.getDouble("maxMs")), s.getDouble("serverCpuPct"),
                        s.getDouble("loadgenCpuPct"),
                        s.getDouble("otherCpuPct", -1.0) < 0 ? "?" : String.format(Locale.ROOT, "%.0f%%", s.getDouble("otherCpuPct")),
                        s.getValue("serverRssMb"),
                        s.getBoolean("pass") ? "pass" : "FAIL: " + s.getString("failReason", "")));
            }
            b.append('\n');
        }

        b.append("""
                ## How to run

                <!-- docs-harness: skip (runs for many minutes) -->
                ```sh
                scripts/bench                 # every scenario: broadcast (nagare, node, flask, raw), rpc (nagare, node,
                                              # flask), chat and game (nagare), video (nagare, flask), audio (nagare, icecast),
                                              # startup and idle (nagare, node, flask), sse (nagare),
                                              # setup (nagare, node: connection set-up, official client),
                                              # cluster (nagare, node: 1-3 nodes on one redis-server),
                                              # steady (nagare, node; nagare-plain, nagare-window if named)
                scripts/bench broadcast       # one scenario
                BENCH_CLIENTS=200 BENCH_SERVERS="nagare node" scripts/bench   # a quick run
                ```

                It builds what it needs (`mvn install` of Nagare, the `bench/` jar, `npm ci` in `bench/node`),
                starts each server in its own process on a free loopback port, runs the scenario against each in
                turn, stops it, writes `bench/results/<scenario>-<server>.json` and regenerates this page and the
                plot. Server logs are kept in `bench/results/tmp/`. Knobs (environment): `BENCH_CLIENTS`,
                `BENCH_SERVERS`, `BENCH_STEP_SECONDS`, `BENCH_START_DELIVERIES`, `BENCH_BUDGET_SECONDS` (per server),
                `BENCH_PIN=0` (no CPU pinning), `BENCH_NICE`, `BENCH_QUIET_WAIT`, `BENCH_SKIP_BUILD=1`, JVM options in
                `BENCH_SERVER_JAVA_OPTS` / `BENCH_LOADGEN_JAVA_OPTS` (see the top of `scripts/bench`). The machine
                table above gives how long the last run took.

                ## Method and caveats

                - One machine, loopback only: the load generator competes with the server for the same cores. With
                  pinning (default when there are at least 2 cores), the server runs on CPU 0 and the load generator
                  on the others (`taskset`), so each side has its own core(s); all three servers handle their
                  real-time connections on one event loop (Nagare because `--event-loops` follows the CPUs it may
                  use, one when pinned; Node.js by nature; the raw server by its setup). Load-generator CPU close to
                  100% of its core means the numbers are a lower bound.
                - Every core (issue 21): `--event-loops N` spreads the main port's connections over N event loops
                  (sessions and rooms stay on one; each loop writes a broadcast to its own connections).
                  `BENCH_SERVER_CPUS=0-1 BENCH_SERVER_EVENT_LOOPS=2` runs the server that way, but on this 2-core
                  machine the load generator then shares a core with it, and with one server core the load
                  generator already sets the limit (above): these runs cannot show how Nagare scales with cores.
                  That takes a machine with cores to spare for the load generator (e.g. `BENCH_SERVER_CPUS=0-3`
                  on 8 cores, 1 against 4 loops).
                - The raw Vert.x fixture uses Vert.x's public API (`writeTextMessage` per socket: the frame is
                  encoded, copied and flushed once per receiver, one system call per delivery). Nagare frames each
                  broadcast once (header and payload), writes that same array to every receiver's Netty channel below
                  the frame encoder and flushes once per event-loop turn: when the server is busy a receiver's
                  frames leave several per system call. That is why Nagare passes the raw fixture, and why its
                  latency at low rates is unchanged (an idle connection is flushed in the same turn).
                - "Other CPU" is the machine's CPU time used by neither the server nor the load generator during the
                  step (from `/proc/stat`): anything well above a few % means something else was running and the
                  step is noisy.
                - Latency is publish-to-receive, measured in the load generator with `System.nanoTime()` (publisher
                  and receivers share the process), recorded in an HdrHistogram (3 significant digits).
                - The load generator speaks Engine.IO/Socket.IO itself (no socket.io client library): handshake,
                  namespace CONNECT, ping/pong, events. Connections are spread over several 127.0.0.x source addresses.
                - The machine may be shared (here: other engineers' builds and tests). Before each step the load
                  generator waits up to 8 s for other processes to use less than 25% of a core; a failing step is
                  retried once, and up to 3 more times when the failure looks like noise (other processes busy
                  during it, or neither the server nor the load generator above 90% CPU: a stall from outside),
                  before the ramp stops. Every attempt is listed above; only the last attempt at a rate decides.
                  Even so, the run history shows how much a single run moves on a shared VM: compare runs, and
                  prefer "server CPU per delivery" and repeated runs over one max figure.
                - JVMs (server fixtures and load generator) run with a fixed, pre-touched heap (`-Xms1g -Xmx1g
                  -XX:+AlwaysPreTouch`) and `-XX:MetaspaceSize=128m`, so that no first-touch page faults or
                  metaspace-triggered full GCs land inside a measured step, and the JVM servers get one full GC
                  (`jcmd <pid> GC.run`) after the warm-up, so that their first, slow promotions of start-up and
                  connection state happen before the measured steps; GC logs are in `bench/results/tmp/`.
                """);
        return b.toString();
    }

    /** Server CPU time per delivery at a step, in microseconds. */
    static double cpuPerDelivery(JsonObject step) {
        double d = step.getDouble("deliveriesPerSec", 0.0);
        double cpu = step.getDouble("serverCpuPct", -1.0);
        return d <= 0 || cpu < 0 ? -1 : cpu / 100 / d * 1e6;
    }

    private static double factorOf(JsonObject r) {
        JsonArray steps = r.getJsonArray("steps", new JsonArray());
        for (int i = 1; i < steps.size(); i++) {
            JsonObject a = steps.getJsonObject(i - 1);
            JsonObject c = steps.getJsonObject(i);
            if ("ramp".equals(a.getString("phase")) && "ramp".equals(c.getString("phase"))
                    && c.getDouble("rateMsgsPerSec") > a.getDouble("rateMsgsPerSec")) {
                return Math.round(c.getDouble("rateMsgsPerSec") / a.getDouble("rateMsgsPerSec") * 100) / 100.0;
            }
        }
        return r.getDouble("factor", 1.5);
    }

    private static int refineCount(JsonObject r) {
        return r.getInteger("refine", 2);
    }

    private static Long histMax(JsonObject servers, String name) {
        JsonObject one = servers.getJsonObject(name);
        return one == null ? null : one.getLong("maxDeliveriesPerSec");
    }

    private static String histCost(JsonObject servers, String name) {
        JsonObject one = servers.getJsonObject(name);
        return one == null || one.getDouble("cpuUsPerDelivery") == null ? "–" : fmt(one.getDouble("cpuUsPerDelivery"));
    }

    private static String num(Long v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%,d", v);
    }

    private static Double costOf(JsonObject r) {
        if (r == null || r.getJsonObject("max") == null) {
            return null;
        }
        double c = cpuPerDelivery(r.getJsonObject("max"));
        return c < 0 ? null : c;
    }

    /**
     * Flask-SocketIO often meets no rate at all within the latency bound (one broadcast to 1,000
     * sockets alone takes tens of ms under eventlet); then the ratio is of peak throughput at any
     * latency, and says so.
     */
    private static String flaskRatio(Map<String, JsonObject> runs, Long nagare, Long flask) {
        if (flask != null || runs.get("flask") == null) {
            return ratio(nagare, flask);
        }
        Long nagarePeak = peakOf(runs.get("nagare"));
        Long flaskPeak = peakOf(runs.get("flask"));
        return "no Flask rate met the p99 bound at all; by peak deliveries/s at any latency, "
                + ratio(nagarePeak, flaskPeak) + " (" + num(nagarePeak) + " vs " + num(flaskPeak) + ")";
    }

    /** The most deliveries/s any step achieved, whatever its latency. */
    private static Long peakOf(JsonObject r) {
        if (r == null || r.getJsonArray("steps") == null) {
            return null;
        }
        long best = 0;
        for (int i = 0; i < r.getJsonArray("steps").size(); i++) {
            best = Math.max(best, r.getJsonArray("steps").getJsonObject(i).getLong("deliveriesPerSec", 0L));
        }
        return best == 0 ? null : best;
    }

    private static Long maxOf(JsonObject r) {
        if (r == null || r.getJsonObject("max") == null) {
            return null;
        }
        return r.getJsonObject("max").getLong("deliveriesPerSec");
    }

    private static String ratio(Long a, Long b) {
        if (a == null || b == null || b == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f×", (double) a / b);
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.valueOf((long) v);
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (Math.abs(v) >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
