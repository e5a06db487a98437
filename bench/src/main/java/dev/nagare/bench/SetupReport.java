package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The "Connection set-up" section of docs/BENCHMARKS.md, from bench/results/setup-{nagare,node}.json
 * (written by bench/node/setup.mjs: the official socket.io-client against each server).
 */
final class SetupReport {
    private SetupReport() {
    }

    static String section(Path results) throws IOException {
        JsonObject nagare = Report.load(results.resolve("setup-nagare.json"));
        JsonObject node = Report.load(results.resolve("setup-node.json"));
        if (nagare == null && node == null) {
            return "";
        }
        JsonObject any = nagare != null ? nagare : node;
        StringBuilder b = new StringBuilder("\n## Connection set-up\n\n");
        boolean interleaved = !any.getJsonArray("interleavedWith", new JsonArray()).isEmpty();
        b.append(String.format(Locale.ROOT, "The official Node client (%s, `forceNew`, no reconnection) opens connections to"
                + " `/bench` at a fixed rate (1/s and 100/s, not waiting for earlier ones) and, on `connect`, emits `rpc` with an"
                + " ack; both servers ack at once with the same handler. A set-up is timed from the `io()` call (when the first"
                + " request leaves) to that first ack. \"Polling first\" is the client's default transports (`polling`, then the"
                + " upgrade to WebSocket); \"WebSocket only\" is `transports: [\"websocket\"]`. Before the cases, %,d set-ups of"
                + " each kind at 100/s warm each server up (not recorded; the JIT column of the tail table below counts what"
                + " the JVM still compiled during the cases), and Nagare's JVM then gets one full collection"
                + " (`jcmd <pid> GC.run`, as in the broadcast scenario), so that the first, slow promotion of what start-up"
                + " and warm-up left does not land in a case. As the Node client does by default, every polling request is"
                + " a new TCP connection. Both servers run only the bench namespace (Nagare with `NAGARE_APPS=none`: none of"
                + " the product's apps, whose timers and sources would otherwise run beside the set-ups). Every case runs %d"
                + " times and a case's figures pool the set-ups of its rounds.%s The load generator collects its own heap"
                + " before each case (`node --expose-gc`), and records its collections and stalls during it (the tail table)."
                + "%n%n",
                any.getString("client", "socket.io-client"), any.getInteger("warmup", 0), any.getInteger("rounds", 1),
                interleaved ? " Both servers run side by side, each pinned to the server's CPU. At 100/s every round takes"
                        + " each case against one server and then the other (one idle while the other takes it), the order"
                        + " alternating from round to round, so the machine's drifting load falls on both alike; at 1/s"
                        + " both take the case at once, their set-ups alternating half a second apart, so that each"
                        + " server's set-ups meet the same moments of the machine."
                        : " The rounds run one after the other, so that the machine's drifting load spreads over the cases."));
        b.append("| Transports | Rate | Set-ups | Nagare p50 / p99 | Node.js socket.io p50 / p99 | Nagare / Node.js (p50) |"
                + " Nagare / Node.js (p99) | All done in (Nagare / Node.js) | Load average (Nagare / Node.js) |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        JsonArray cases = any.getJsonArray("cases", new JsonArray());
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.getJsonObject(i);
            JsonObject a = find(nagare, c);
            JsonObject o = find(node, c);
            b.append(String.format(Locale.ROOT, "| %s | %s/s | %s | %s | %s | **%s**%s | %s%s | %s / %s | %s / %s |%n",
                    transports(c), Report.fmt(c.getDouble("rate")), count(c, a, o), pair(a), pair(o),
                    ratio(a, o, "p50"), interval(a, o, 0.5), ratio(a, o, "p99"), interval(a, o, 0.99),
                    seconds(a), seconds(o), load(a), load(o)));
        }
        b.append("\nIn brackets, the 95% confidence interval of the ratio (bootstrap: both servers' set-ups resampled "
                + BOOTSTRAP + " times): where it spans 1, this run cannot tell the two servers apart on that figure. A p99"
                + " is the ⌈0.99·n⌉-th fastest of n set-ups: with " + tailRank(cases) + ".\n");
        b.append("\nIssue 24 asks for Nagare's set-up median and p99 at or below Node.js socket.io's. In this run (pooled"
                + " over the rounds):\n\n");
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.getJsonObject(i);
            verdict(b, c, find(nagare, c), find(node, c));
        }
        JsonArray pauses = nagare == null ? null : nagare.getJsonArray("gcPausesMs");
        if (pauses != null && pauses.isEmpty()) {
            b.append("\nNagare's JVM did not pause for garbage collection during the cases (its GC log after the full"
                    + " collection that ends the warm-up): its tail is not a collector's.\n");
        } else if (pauses != null) {
            double longest = 0;
            for (int i = 0; i < pauses.size(); i++) {
                longest = Math.max(longest, pauses.getDouble(i));
            }
            b.append(String.format(Locale.ROOT, "%nNagare's JVM paused %d time%s for garbage collection during the cases (its GC"
                    + " log after the full collection that ends the warm-up)%s: the set-ups in flight during a pause wait for it,"
                    + " which is what such a pause adds to the p99 of the case it falls in.%n", pauses.size(), pauses.size() == 1 ? "" : "s",
                    pauses.isEmpty() ? "" : String.format(Locale.ROOT, ", longest %s ms", Report.fmt(longest))));
        }
        tail(b, cases, nagare, node);
        b.append("\nWith polling first, Nagare holds what is queued for the pending poll (the CONNECT reply) from the"
                + " upgrade request until the WebSocket's `2probe` arrives (`--upgrade-hold`, 50 ms at most), so that the"
                + " probe's answer reaches the client first and its first emit rides the WebSocket (\"First emit over"
                + " polling\" below); its CONNECT phase therefore includes the WebSocket handshake and the probe (in the"
                + " profile below, the last GET polling is answered after the GET websocket). The intervals in brackets say"
                + " how much one run can tell; on this shared machine, compare several runs too.\n");
        b.append("\nA ratio above 1 means Nagare takes longer. \"All done in\" is from the first `io()` to the last ack (or"
                + " failure): well past count / rate, set-ups queued (in the client or the server) and their times measure"
                + " that queue rather than a set-up. The load average is the machine's as the case ended; on a shared"
                + " machine anything near or above its core count makes the case noisy.");
        b.append(" Where the time goes, medians of each phase on its own (the"
                + " OPEN: handshake answered, from `io()`; the CONNECT acknowledged, after the OPEN; the first ack, after the"
                + " CONNECT), the HTTP requests a set-up made before its ack (median), how many set-ups sent their first emit"
                + " over polling (the CONNECT reply reached the client before the upgrade probe's pong, so the emit and its"
                + " ack cost a POST and another long-poll GET instead of riding the new WebSocket) and how many had switched"
                + " to WebSocket before their ack, and the server's CPU time per set-up (all its threads over the case, the"
                + " closes and the JIT compilers included; the median of the rounds; not at 1/s, where a case is half a"
                + " minute of a mostly idle server):\n\n");
        b.append("| Transports | Rate | Server | OPEN | CONNECT | First ack | Requests | First emit over polling"
                + " | Upgraded before the ack | Failed | Server CPU per set-up |\n|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.getJsonObject(i);
            phases(b, c, "Nagare", find(nagare, c));
            phases(b, c, "Node.js", find(node, c));
        }
        b.append("\nThe requests of one polling-first set-up at 1/s, in order (the most common sequence; medians over the"
                + " set-ups that made it): when each was sent and answered, in ms from `io()`, and the server's time (sent to"
                + " first byte of the answer, loopback included). A long-poll GET's \"server time\" is mostly waiting for"
                + " something to send.\n\n");
        profile(b, "Nagare", nagare);
        profile(b, "Node.js socket.io", node);
        b.append(flame(results));
        b.append("Reproduce: `scripts/bench setup` (BENCH_SETUP_COUNT set-ups at 100/s, BENCH_SETUP_SLOW_COUNT at 1/s,"
                + " BENCH_SETUP_ROUNDS, BENCH_SETUP_WARMUP; BENCH_SETUP_PROFILE=0 skips the profiled run, BENCH_SETUP_PROFILE_COUNT"
                + " sizes it); one server: `node bench/node/setup.mjs --url http://127.0.0.1:PORT --server NAME"
                + " --cases \"polling,websocket@1x30\"`.\n");
        return b.toString();
    }

    /**
     * One line per case: whether Nagare's p50 and p99 are at or below Node's and, where not, the
     * phase in which Nagare loses the most (medians), the failures and the machine's load.
     */
    private static void verdict(StringBuilder b, JsonObject like, JsonObject nagare, JsonObject node) {
        JsonObject x = nagare == null ? null : nagare.getJsonObject("totalMs");
        JsonObject y = node == null ? null : node.getJsonObject("totalMs");
        String name = transports(like) + " at " + Report.fmt(like.getDouble("rate")) + "/s";
        if (x == null || y == null) {
            b.append("- ").append(name).append(": not measured for both servers.\n");
            return;
        }
        boolean p50 = x.getDouble("p50") <= y.getDouble("p50");
        boolean p99 = x.getDouble("p99") <= y.getDouble("p99");
        b.append("- ").append(name).append(": median ").append(standing(x, y, "p50", nagare, node, 0.5, false))
                .append(", p99 ").append(standing(x, y, "p99", nagare, node, 0.99, false));
        JsonObject xr = nagare.getJsonObject("totalNotHeldMs");
        JsonObject yr = node.getJsonObject("totalNotHeldMs");
        if (xr != null && yr != null) {
            b.append("; of the set-ups the load generator did not hold up, p99 ")
                    .append(standing(xr, yr, "p99", nagare, node, 0.99, true));
        }
        int nagareFailed = nagare.getInteger("failed", 0);
        int nodeFailed = node.getInteger("failed", 0);
        if (nagareFailed > 0 || nodeFailed > 0) {
            b.append("; set-ups failed (no ack in time): Nagare ").append(nagareFailed).append(", Node.js ")
                    .append(nodeFailed).append(", so this case measured a queue (the machine or the server"
                            + " falling behind) more than a set-up");
        }
        JsonArray jit = nagare.getJsonArray("jit");
        if (!p99 && jit != null && !jit.isEmpty()) {
            int n = 0;
            double ms = 0;
            for (int i = 0; i < jit.size(); i++) {
                n += jit.getJsonObject(i).getInteger("compilations", 0);
                ms += jit.getJsonObject(i).getDouble("ms", 0.0);
            }
            b.append(String.format(Locale.ROOT, "; during the case Nagare's JVM was still compiling (%d JIT compilations, %s ms of"
                    + " compiler time on the server's one core, beside the event loop)", n, Report.fmt(ms)));
        }
        if (!p50 || !p99) {
            String worst = null;
            double gap = 0;
            for (String[] phase : new String[][] {{"handshakeMs", "OPEN"}, {"connectMs", "CONNECT"}, {"ackMs", "first ack"}}) {
                JsonObject a = nagare.getJsonObject(phase[0]);
                JsonObject o = node.getJsonObject(phase[0]);
                if (a != null && o != null && a.getDouble("p50") - o.getDouble("p50") > gap) {
                    gap = a.getDouble("p50") - o.getDouble("p50");
                    worst = String.format(Locale.ROOT, "%s (%s vs %s ms)", phase[1], Report.fmt(a.getDouble("p50")),
                            Report.fmt(o.getDouble("p50")));
                }
            }
            b.append(worst == null ? "; no phase is slower at its median, so the tail comes from set-ups that waited"
                    : "; Nagare loses most in the " + worst + " phase (medians)");
            Double load = nagare.getDouble("loadAverage");
            if (load != null && load >= Runtime.getRuntime().availableProcessors()) {
                b.append("; the machine's load average was ").append(Report.fmt(load))
                        .append(" on its ").append(Runtime.getRuntime().availableProcessors())
                        .append(" cores, so this case measures queueing behind other work as much as the server");
            }
        }
        JsonArray ra = nagare.getJsonArray("roundsP50");
        JsonArray ro = node.getJsonArray("roundsP50");
        if (ra != null && ro != null && ra.size() > 1) {
            b.append("; the median of each round, Nagare ").append(joined(ra)).append(" ms, Node.js ").append(joined(ro))
                    .append(" ms");
        }
        b.append(".\n");
    }

    private static final int BOOTSTRAP = 2000;
    /** As bench/node/setup.mjs's CLIENT_STALL_MS: a request this long in the load generator was held up. */
    private static final double CLIENT_STALL_MS = 5;

    /** "90 set-ups, the slowest; with 600, the 6th slowest": what a p99 is for each count of the cases. */
    private static String tailRank(JsonArray cases) {
        java.util.TreeSet<Integer> counts = new java.util.TreeSet<>();
        for (int i = 0; i < cases.size(); i++) {
            counts.add(cases.getJsonObject(i).getInteger("count", 0));
        }
        StringBuilder b = new StringBuilder();
        for (int n : counts) {
            int fromTop = n - (int) Math.ceil(0.99 * n) + 1;
            b.append(b.length() == 0 ? "" : "; with ").append(n).append(" set-ups, it is the ")
                    .append(fromTop == 1 ? "slowest" : fromTop == 2 ? "second slowest" : fromTop + "th slowest");
        }
        return b.toString();
    }

    /**
     * "**at or below** Node's (7.49 vs 7.82 ms)", "**above** Node's (…)", or "above Node's but within the
     * noise (…; the ratio's 95% interval 0.87–1.27 spans 1)".
     */
    private static String standing(JsonObject x, JsonObject y, String key, JsonObject nagare, JsonObject node, double q,
            boolean notHeld) {
        String figures = Report.fmt(x.getDouble(key)) + " vs " + Report.fmt(y.getDouble(key)) + " ms";
        if (x.getDouble(key) <= y.getDouble(key)) {
            return "**at or below** Node's (" + figures + ")";
        }
        double[] ci = bootstrap(nagare, node, q, notHeld);
        return ci != null && ci[0] <= 1
                ? String.format(Locale.ROOT, "above Node's but **within the noise** (%s; the ratio's 95%% interval %.2f–%.2f spans 1)",
                        figures, ci[0], ci[1])
                : "**above** Node's (" + figures + ")";
    }

    /** " (0.93–1.04)": the 95% bootstrap interval of the ratio of the q-quantiles, or "". */
    private static String interval(JsonObject nagare, JsonObject node, double q) {
        double[] ci = bootstrap(nagare, node, q, false);
        return ci == null ? "" : String.format(Locale.ROOT, " (%.2f–%.2f)", ci[0], ci[1]);
    }

    /**
     * The 95% interval of quantile(Nagare) / quantile(Node.js) of the set-up times, both servers'
     * set-ups resampled with replacement; a fixed seed, so that the page is the same for the same results.
     */
    private static double[] bootstrap(JsonObject nagare, JsonObject node, double q, boolean notHeld) {
        double[] a = setUps(nagare, notHeld);
        double[] o = setUps(node, notHeld);
        if (a.length < 20 || o.length < 20) {
            return null;
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(24);
        double[] ratios = new double[BOOTSTRAP];
        double[] ra = new double[a.length];
        double[] ro = new double[o.length];
        for (int i = 0; i < BOOTSTRAP; i++) {
            for (int k = 0; k < ra.length; k++) {
                ra[k] = a[random.nextInt(a.length)];
            }
            for (int k = 0; k < ro.length; k++) {
                ro[k] = o[random.nextInt(o.length)];
            }
            ratios[i] = quantile(ra, q) / quantile(ro, q);
        }
        java.util.Arrays.sort(ratios);
        return new double[] {ratios[(int) (BOOTSTRAP * 0.025)], ratios[(int) (BOOTSTRAP * 0.975) - 1]};
    }

    /** As bench/node/setup.mjs takes it: the ceil(q·n)-th smallest. Sorts {@code v}. */
    private static double quantile(double[] v, double q) {
        java.util.Arrays.sort(v);
        return v[Math.min(v.length - 1, Math.max(0, (int) Math.ceil(q * v.length) - 1))];
    }

    /**
     * The set-up times (io() to the first ack) of a case's successful set-ups; with {@code notHeld},
     * only those the load generator did not hold up (as bench/node/setup.mjs counts them).
     */
    private static double[] setUps(JsonObject c, boolean notHeld) {
        if (c == null) {
            return new double[0];
        }
        java.util.List<?> columns = c.getJsonArray("connectionsColumns", new JsonArray()).getList();
        int ack = columns.indexOf("ackMs");
        int gc = columns.indexOf("clientGcMs");
        int send = columns.indexOf("clientSendMs");
        if (notHeld && (gc < 0 || send < 0)) {
            return new double[0];
        }
        JsonArray rows = c.getJsonArray("connections", new JsonArray());
        java.util.List<Double> v = new java.util.ArrayList<>();
        for (int i = 0; ack >= 0 && i < rows.size(); i++) {
            JsonArray row = rows.getJsonArray(i);
            if (row.getValue(ack) instanceof Number n
                    && (!notHeld || number(row, gc) == 0 && number(row, send) < CLIENT_STALL_MS)) {
                v.add(n.doubleValue());
            }
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double number(JsonArray row, int i) {
        return row.getValue(i) instanceof Number n ? n.doubleValue() : 0;
    }

    private static String joined(JsonArray values) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            s.append(i == 0 ? "" : " / ").append(values.getValue(i) == null ? "–" : Report.fmt(values.getDouble(i)));
        }
        return s.toString();
    }

    /** "Where Nagare's time goes": the profiled run's flame graph (setup-nagare-profile.json), or "". */
    private static String flame(Path results) throws IOException {
        JsonObject p = Report.load(results.resolve("setup-nagare-profile.json"));
        if (p == null) {
            return "";
        }
        JsonObject run = p.getJsonObject("run", new JsonObject());
        StringBuilder b = new StringBuilder("### Where Nagare's time goes (set-up)\n\n");
        b.append(String.format(Locale.ROOT, "A fresh Nagare server alone (not the run above), warmed up the same way, with a flight"
                + " recording (JFR, Java code sampled every 1 ms) over %,d polling-first set-ups at 100/s: %,d samples of"
                + " `jdk.ExecutionSample`.", run.getInteger("count", 0), p.getLong("samples", 0L)));
        JsonArray cpu = run.getJsonArray("cpuPerSetUpUs");
        JsonObject ticks = run.getJsonObject("cpuTicks");
        if (cpu != null && !cpu.isEmpty() && ticks != null) {
            long user = ticks.getLong("user", 0L);
            long system = ticks.getLong("system", 0L);
            b.append(String.format(Locale.ROOT, " The server used %s µs of CPU per set-up in that run, **%.0f%% of it in the"
                    + " kernel** (`/proc` user and system time): a polling-first set-up is four HTTP requests, each on a new"
                    + " TCP connection (accept, reads, writes, close), and a WebSocket. JFR samples Java threads running Java"
                    + " code only, so the kernel's part, the JIT compilers and the GC are not in the graph; its percentages"
                    + " are of the Java part.", Report.fmt(cpu.getDouble(0)), user + system == 0 ? 0 : 100.0 * system / (user + system)));
        }
        JsonArray jit = run.getJsonArray("jit");
        if (jit != null && !jit.isEmpty()) {
            b.append(String.format(Locale.ROOT, " Its JIT compiled %,d methods during the recorded window (%s ms of compiler"
                    + " time).", jit.getJsonObject(0).getInteger("compilations", 0),
                    Report.fmt(jit.getJsonObject(0).getDouble("ms", 0.0))));
        }
        b.append(FlameReport.markdown(p, "setup-nagare-flame.svg", "setup-nagare.folded",
                "Flame graph of Nagare's polling-first set-ups"));
        return b.toString();
    }

    /**
     * Where the p99 comes from: the slowest 1% of each server's set-ups, how many of them the load
     * generator itself held up (one of its collections overlapped the set-up, or one of the set-up's
     * requests waited in it before leaving), the p99 of the set-ups it did not hold up, the JIT
     * compilations Nagare's JVM made during the case and the load generator's collections.
     */
    private static void tail(StringBuilder b, JsonArray cases, JsonObject nagare, JsonObject node) {
        boolean any = false;
        for (JsonObject run : new JsonObject[] {nagare, node}) {
            JsonArray cs = run == null ? null : run.getJsonArray("cases");
            any |= cs != null && !cs.isEmpty() && cs.getJsonObject(0).containsKey("heldByClient");
        }
        if (!any) {
            return;
        }
        b.append("\nThe tail. The load generator is one Node.js process (on the other core) running a hundred official clients"
                + " a second with their HTTP requests, and it pauses too: for its own collections, and when its event loop is"
                + " busy, a request waits in it before leaving. A set-up counts as held up by the load generator when one of its"
                + " collections overlapped the set-up or one of the set-up's requests took 5 ms or more from being made to"
                + " having left; that is counted alike for both servers. The p99 \"not held up\" is over the other set-ups: the"
                + " server's own tail, as far as the client can tell. JIT compilations are the JVM's during the case's rounds"
                + " (`jstat -compiler`; Node.js's V8 has no such counter), each taking the server's one core from the event"
                + " loop while it runs.\n\n");
        b.append("| Transports | Rate | Server | p99 | Slowest 1% held up by the load generator | All held up by it |"
                + " p99 not held up | JIT compilations during the case (ms) | Load generator: collections, longest |\n"
                + "|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < cases.size(); i++) {
            JsonObject like = cases.getJsonObject(i);
            tailRow(b, like, "Nagare", find(nagare, like));
            tailRow(b, like, "Node.js", find(node, like));
        }
    }

    private static void tailRow(StringBuilder b, JsonObject like, String server, JsonObject c) {
        if (c == null || !c.containsKey("heldByClient")) {
            return;
        }
        JsonArray slowest = c.getJsonArray("slowest", new JsonArray());
        int held = 0;
        for (int i = 0; i < slowest.size(); i++) {
            JsonObject s = slowest.getJsonObject(i);
            if (s.getDouble("clientGcMs", 0.0) > 0 || s.getDouble("clientSendMs", 0.0) >= CLIENT_STALL_MS) {
                held++;
            }
        }
        JsonArray jit = c.getJsonArray("jit");
        String compiled = "–";
        if (jit != null && !jit.isEmpty()) {
            int n = 0;
            double ms = 0;
            for (int i = 0; i < jit.size(); i++) {
                n += jit.getJsonObject(i).getInteger("compilations", 0);
                ms += jit.getJsonObject(i).getDouble("ms", 0.0);
            }
            compiled = String.format(Locale.ROOT, "%d (%s ms)", n, Report.fmt(ms));
        }
        JsonArray client = c.getJsonArray("client", new JsonArray());
        int gcs = 0;
        double longest = 0;
        for (int i = 0; i < client.size(); i++) {
            gcs += client.getJsonObject(i).getInteger("gcs", 0);
            longest = Math.max(longest, client.getJsonObject(i).getDouble("gcMaxMs", 0.0));
        }
        JsonObject total = c.getJsonObject("totalMs");
        JsonObject rest = c.getJsonObject("totalNotHeldMs");
        b.append(String.format(Locale.ROOT, "| %s | %s/s | %s | %s | %d of %d | %d of %d | %s | %s | %d, %s ms |%n",
                transports(like), Report.fmt(like.getDouble("rate")), server, ms(total == null ? null : total.getDouble("p99")),
                held, slowest.size(), c.getInteger("heldByClient"), c.getInteger("ok", 0),
                ms(rest == null ? null : rest.getDouble("p99")), compiled, gcs, Report.fmt(longest)));
    }

    /** The case of {@code run} with the same transports and rate as {@code like}, or null. */
    private static JsonObject find(JsonObject run, JsonObject like) {
        if (run == null) {
            return null;
        }
        JsonArray cases = run.getJsonArray("cases", new JsonArray());
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.getJsonObject(i);
            if (c.getString("transports").equals(like.getString("transports"))
                    && c.getDouble("rate").equals(like.getDouble("rate"))) {
                return c;
            }
        }
        return null;
    }

    private static String transports(JsonObject c) {
        return "websocket".equals(c.getString("transports")) ? "WebSocket only" : "polling first (`" + c.getString("transports") + "`)";
    }

    private static String pair(JsonObject c) {
        JsonObject t = c == null ? null : c.getJsonObject("totalMs");
        return t == null ? "not run" : Report.fmt(t.getDouble("p50")) + " / " + Report.fmt(t.getDouble("p99")) + " ms";
    }

    /** "200", or "200 (Nagare: 3 failed)" when set-ups failed (no ack within the client's timeout). */
    private static String count(JsonObject like, JsonObject nagare, JsonObject node) {
        StringBuilder failed = new StringBuilder();
        if (nagare != null && nagare.getInteger("failed", 0) > 0) {
            failed.append("Nagare: ").append(nagare.getInteger("failed")).append(" failed");
        }
        if (node != null && node.getInteger("failed", 0) > 0) {
            failed.append(failed.length() > 0 ? ", " : "").append("Node.js: ").append(node.getInteger("failed")).append(" failed");
        }
        return like.getInteger("count") + (failed.length() > 0 ? " (" + failed + ")" : "");
    }

    private static String seconds(JsonObject c) {
        return c == null || c.getDouble("elapsedMs") == null ? "–" : String.format(Locale.ROOT, "%.1f s", c.getDouble("elapsedMs") / 1000);
    }

    private static String load(JsonObject c) {
        return c == null || c.getDouble("loadAverage") == null ? "–" : Report.fmt(c.getDouble("loadAverage"));
    }

    private static String ratio(JsonObject a, JsonObject b, String key) {
        JsonObject x = a == null ? null : a.getJsonObject("totalMs");
        JsonObject y = b == null ? null : b.getJsonObject("totalMs");
        if (x == null || y == null || y.getDouble(key) <= 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f×", x.getDouble(key) / y.getDouble(key));
    }

    private static void phases(StringBuilder b, JsonObject like, String server, JsonObject c) {
        if (c == null) {
            return;
        }
        JsonObject via = c.getJsonObject("firstEmitVia");
        String overPolling = via == null || "websocket".equals(like.getString("transports")) ? "–"
                : via.getInteger("polling", 0) + " of " + c.getInteger("ok", 0);
        b.append(String.format(Locale.ROOT, "| %s | %s/s | %s | %s | %s | %s | %s | %s | %d of %d | %d | %s |%n", transports(like),
                Report.fmt(like.getDouble("rate")), server, median(c, "handshakeMs"), median(c, "connectMs"),
                median(c, "ackMs"), c.getJsonObject("requestsPerSetUp") == null ? "–"
                        : Report.fmt(c.getJsonObject("requestsPerSetUp").getDouble("p50")),
                overPolling, c.getInteger("upgradedBeforeAck", 0), c.getInteger("ok", 0), c.getInteger("failed", 0),
                like.getDouble("rate") < 10 ? "–" : cpu(c.getJsonArray("cpuPerSetUpUs"))));
    }

    /** The median of the rounds' CPU time per set-up, in µs, or "–". */
    private static String cpu(JsonArray rounds) {
        if (rounds == null || rounds.isEmpty()) {
            return "–";
        }
        double[] v = new double[rounds.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rounds.getDouble(i);
        }
        java.util.Arrays.sort(v);
        return String.format(Locale.ROOT, "%,.0f µs", v[(v.length - 1) / 2]);
    }

    private static String median(JsonObject c, String key) {
        JsonObject s = c.getJsonObject(key);
        return s == null ? "–" : Report.fmt(s.getDouble("p50")) + " ms";
    }

    private static void profile(StringBuilder b, String label, JsonObject run) {
        JsonObject c = null;
        JsonArray cases = run == null ? new JsonArray() : run.getJsonArray("cases", new JsonArray());
        for (int i = 0; i < cases.size() && c == null; i++) {
            JsonObject k = cases.getJsonObject(i);
            if (!"websocket".equals(k.getString("transports")) && k.getDouble("rate") <= 1.0) {
                c = k;
            }
        }
        JsonObject p = c == null ? null : c.getJsonObject("profile");
        if (p == null) {
            return;
        }
        b.append(String.format(Locale.ROOT, "%s (%d of %d set-ups made this sequence; their median set-up %s ms):%n%n",
                label, p.getInteger("setUps"), p.getInteger("of"), Report.fmt(p.getDouble("ackMs"))));
        b.append("| # | Request | Sent | First byte | Server time |\n|---:|---|---:|---:|---:|\n");
        JsonArray steps = p.getJsonArray("steps", new JsonArray());
        for (int i = 0; i < steps.size(); i++) {
            JsonObject s = steps.getJsonObject(i);
            b.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s |%n", i + 1, s.getString("request"),
                    ms(s.getDouble("sentMs")), ms(s.getDouble("firstByteMs")), ms(s.getDouble("serverMs"))));
        }
        b.append('\n');
    }

    private static String ms(Double v) {
        return v == null ? "–" : Report.fmt(v) + " ms";
    }
}
