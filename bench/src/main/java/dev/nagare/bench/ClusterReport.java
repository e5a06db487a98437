package dev.nagare.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The "Cluster" section of docs/BENCHMARKS.md, from bench/results/cluster-{nagare,node}-N.json
 * (N nodes on one Redis) and cluster-redis.json (what scripts/bench saw of Redis), plus
 * cluster-throughput.png.
 */
final class ClusterReport {
    private static final String[] SERVERS = {"nagare", "node"};

    private ClusterReport() {
    }

    static String section(Path results) throws IOException {
        TreeSet<Integer> counts = new TreeSet<>();
        for (int n = 1; n <= 16; n++) {
            for (String s : SERVERS) {
                if (run(results, s, n) != null) {
                    counts.add(n);
                }
            }
        }
        if (counts.isEmpty()) {
            return "";
        }
        JsonObject any = null;
        for (int n : counts) {
            for (String s : SERVERS) {
                any = any != null ? any : run(results, s, n);
            }
        }
        JsonObject redis = Report.load(results.resolve("cluster-redis.json"));
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, """

                ## Cluster (Redis)

                Nagare nodes (`--cluster redis://…`) against Node.js socket.io servers with the official
                `@socket.io/redis-adapter` (classic adapter), each server kind with %s processes on one
                %s (a separate process per node); run %s. %,d receivers in room "bench" are spread evenly over the nodes (receiver
                *i* on node *i* mod N) and one publisher on node 1 sends `publish` events that the server broadcasts
                to the room: node 1 delivers to its own receivers and PUBLISHes once on Redis, every other node
                delivers only what reached it through Redis. With one node the adapter still publishes (nobody else
                is subscribed). Payload %d bytes; the ramp and pass criteria are the broadcast scenario's (p99 ≤ %s ms,
                ≥ %s%% of the target delivered, no disconnects; %s s steps, ×%s per step, a failing step tried twice).

                **What this machine can show, and what it cannot.** It has %d cores, and every node, redis-server and
                the load generator share them (%s). More nodes therefore add no CPU: the table measures what the
                Redis hop costs (extra latency, CPU spent on publishing, subscribing and decoding) and how
                efficiently each implementation spends the CPU it has; it does **not** measure scaling out, and
                whether the maxima grow with the node count when each node has a core of its own is not something
                this run can tell. Other work on the shared machine disturbs the figures too (the run waits a few
                seconds for it to stop, then runs anyway).

                | Nodes | Nagare max deliveries/s | Node.js max deliveries/s | **Nagare / Node** | Nagare deliveries per CPU-second | Node.js deliveries per CPU-second | **Nagare / Node** (efficiency) |
                |---:|---:|---:|---:|---:|---:|---:|
                """, counts.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")).replaceFirst(", (\\d+)$", " and $1"),
                redis == null ? "redis-server" : redis.getString("version", "redis-server"),
                any.getString("finishedAt", "?").substring(0, 10), any.getInteger("clients"),
                any.getInteger("payloadBytes", 100), Report.fmt(any.getJsonObject("criteria").getDouble("maxP99Ms")),
                Report.fmt(any.getJsonObject("criteria").getDouble("minDeliveryRatio") * 100),
                Report.fmt(any.getDouble("stepSeconds")), Report.fmt(any.getDouble("factor")),
                redis == null ? 2 : redis.getInteger("nproc", 2),
                redis == null ? "all nodes and Redis pinned together" : redis.getString("placement", "?")));
        for (int n : counts) {
            JsonObject a = best(run(results, "nagare", n));
            JsonObject b = best(run(results, "node", n));
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s |\n", n, deliveries(a), deliveries(b),
                    ratio(a == null ? null : a.getDouble("deliveriesPerSec"), b == null ? null : b.getDouble("deliveriesPerSec")),
                    perCpu(a) == null ? "–" : String.format(Locale.ROOT, "%,.0f", perCpu(a)),
                    perCpu(b) == null ? "–" : String.format(Locale.ROOT, "%,.0f", perCpu(b)), ratio(perCpu(a), perCpu(b))));
        }
        md.append("""

                Max = the highest rate that passed, with the CPU the nodes (summed) and redis-server used in that
                step, in % of one core, and what other processes on the shared machine used meanwhile; "per CPU-second" = those deliveries/s divided by that CPU (load generator
                excluded), the fairer comparison when they all share the same core.

                """);
        md.append(noiseNote(results, counts, redis == null ? 2 : redis.getInteger("nproc", 2)));
        md.append(latencyTable(results, counts));
        md.append(chart(results, counts));
        md.append(lostNote(results, counts, redis));
        md.append("\nReproduce: `scripts/bench cluster` (BENCH_CLUSTER_NODES=1,2,3, BENCH_CLUSTER_CLIENTS, "
                + "BENCH_CLUSTER_LATENCY_RATE, BENCH_CLUSTER_BUDGET_SECONDS; the JSON files are "
                + "bench/results/cluster-*.json).\n");
        return md.toString();
    }

    /**
     * A plain warning when other processes used much CPU during the measured steps (the machine is
     * shared): the mean of "other CPU" over each server kind's steps, in % of one core.
     */
    private static String noiseNote(Path results, TreeSet<Integer> counts, int nproc) throws IOException {
        StringBuilder per = new StringBuilder();
        double worst = 0;
        for (String s : SERVERS) {
            double sum = 0;
            int n = 0;
            for (int nodes : counts) {
                JsonObject r = run(results, s, nodes);
                for (JsonObject st : r == null ? List.<JsonObject>of() : Plot.steps(r)) {
                    if (st.getDouble("otherCpuPct", -1.0) >= 0) {
                        sum += st.getDouble("otherCpuPct");
                        n++;
                    }
                }
            }
            if (n > 0) {
                worst = Math.max(worst, sum / n);
                per.append(per.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f%% during %s's steps",
                        sum / n, label(s)));
            }
        }
        if (worst <= 25) {
            return "";
        }
        return String.format(Locale.ROOT, """
                **Other work disturbed this run.** Processes outside the benchmark used on average %s (of %d%%
                the machine has), so these maxima and ratios say more about that load, and about when it came and
                went, than about the two implementations. Rerun `scripts/bench cluster` on a quiet machine before
                drawing conclusions from them.

                """, per, 100 * nproc);
    }

    private static String latencyTable(Path results, TreeSet<Integer> counts) throws IOException {
        StringBuilder md = new StringBuilder();
        Double rate = null;
        List<String> rows = new ArrayList<>();
        for (int n : counts) {
            for (String s : SERVERS) {
                JsonObject r = run(results, s, n);
                JsonObject l = r == null ? null : r.getJsonObject("latency");
                if (l == null) {
                    continue;
                }
                rate = l.getDouble("rateMsgsPerSec");
                JsonObject loc = l.getJsonObject("local");
                JsonObject rem = l.getJsonObject("remote");
                rows.add(String.format(Locale.ROOT, "| %d | %s | %s ms | %s ms | %s | %s | %s |", n,
                        label(s), Report.fmt(loc.getDouble("p50Ms")),
                        Report.fmt(loc.getDouble("p99Ms")),
                        rem == null ? "–" : Report.fmt(rem.getDouble("p50Ms")) + " ms",
                        rem == null ? "–" : Report.fmt(rem.getDouble("p99Ms")) + " ms",
                        rem == null ? "–" : String.format(Locale.ROOT, "%+.2f ms", rem.getDouble("p50Ms") - loc.getDouble("p50Ms"))));
            }
        }
        if (rows.isEmpty()) {
            return "";
        }
        md.append(String.format(Locale.ROOT, """
                Latency a Redis hop adds: publish-to-receive at a fixed %s messages/s (%,d deliveries/s), for the
                receivers on the publisher's node ("local") and on the other nodes ("remote").

                | Nodes | Server | Local p50 | Local p99 | Remote p50 | Remote p99 | Hop adds (p50) |
                |---:|---|---:|---:|---:|---:|---:|
                """, Report.fmt(rate), Math.round(rate * clientsOf(results, counts))));
        rows.forEach(r -> md.append(r).append('\n'));
        return md.toString();
    }

    /** Max deliveries/s against node count, one line per server kind. */
    private static String chart(Path results, TreeSet<Integer> counts) throws IOException {
        List<Plot.Series> series = new ArrayList<>();
        for (int i = 0; i < SERVERS.length; i++) {
            List<Plot.Point> points = new ArrayList<>();
            for (int n : counts) {
                JsonObject b = best(run(results, SERVERS[i], n));
                if (b != null) {
                    points.add(new Plot.Point(n, b.getDouble("deliveriesPerSec") / 1000.0, Plot.Mark.PASS));
                }
            }
            if (!points.isEmpty()) {
                series.add(new Plot.Series(i == 0 ? "Nagare" : "Node.js socket.io", i, false, points));
            }
        }
        if (series.isEmpty()) {
            return "";
        }
        String title = "Cross-node broadcast over Redis, all processes on 2 cores: max deliveries/s";
        Plot.chart(title, new Plot.Axes("nodes (processes on one Redis; log-2 axis)", true, "max deliveries/s", false, "k"),
                series, null, null, results.resolve("cluster-throughput.png"));
        return Report.image(title, "cluster-throughput.png");
    }

    /** Anything lost (published but never delivered after the queues drained) or a Redis backlog, stated. */
    private static String lostNote(Path results, TreeSet<Integer> counts, JsonObject redis) throws IOException {
        List<String> notes = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (int n : counts) {
            for (String s : SERVERS) {
                JsonObject r = run(results, s, n);
                if (r == null) {
                    continue;
                }
                // A step's count can be negative when its drain gave up and the late deliveries arrived in the
                // next step: what was never delivered is the sum over the run.
                long lost = 0;
                for (JsonObject st : Plot.steps(r)) {
                    lost += st.getLong("undeliveredAfterDrain", 0L);
                }
                JsonObject latency = r.getJsonObject("latency");
                lost += latency == null ? 0 : latency.getLong("undeliveredAfterDrain", 0L);
                lost = r.getLong("undeliveredAtEnd", lost);
                String who = String.format(Locale.ROOT, "%s with %d node%s", label(s), n, n == 1 ? "" : "s");
                if (lost != 0) {
                    notes.add(String.format(Locale.ROOT, "%s: %,d deliveries never arrived", who, lost));
                }
                for (Object e : r.getJsonArray("errors")) {
                    errors.add(who + ": " + e);
                }
            }
        }
        String backlog = redis == null ? "" : "\nredis-server after the runs: " + redis.getString("clients", "?") + ".\n";
        return (notes.isEmpty() ? "\nEvery message published in every step reached every receiver once the queues drained.\n"
                : "\nNot delivered once the queues had drained: " + String.join("; ", notes) + ".\n")
                + (errors.isEmpty() ? "" : "\nNotes from the load generator: " + String.join("; ", errors) + ".\n") + backlog;
    }

    private static int clientsOf(Path results, TreeSet<Integer> counts) throws IOException {
        for (int n : counts) {
            for (String s : SERVERS) {
                JsonObject r = run(results, s, n);
                if (r != null) {
                    return r.getInteger("clients");
                }
            }
        }
        return 0;
    }

    private static JsonObject run(Path results, String server, int nodes) throws IOException {
        return Report.load(results.resolve("cluster-" + server + "-" + nodes + ".json"));
    }

    private static JsonObject best(JsonObject run) {
        return run == null ? null : run.getJsonObject("max");
    }

    private static String label(String server) {
        return "nagare".equals(server) ? "Nagare" : "Node.js";
    }

    /** "123,456 (p99 20.1 ms; CPU 90% + Redis 8%; other 5%)": the max, what the nodes, Redis and other work used. */
    private static String deliveries(JsonObject best) {
        return best == null ? "none passed" : String.format(Locale.ROOT, "%,d (p99 %s ms; CPU %.0f%% + Redis %.0f%%; other %.0f%%)",
                best.getLong("deliveriesPerSec"), Report.fmt(best.getDouble("p99Ms")), best.getDouble("serversCpuPct"),
                best.getDouble("redisCpuPct"), best.getDouble("otherCpuPct", -1.0));
    }

    private static Double perCpu(JsonObject best) {
        if (best == null || best.getDouble("serversCpuPct", -1.0) < 0) {
            return null;
        }
        double cpu = (best.getDouble("serversCpuPct") + Math.max(0, best.getDouble("redisCpuPct", 0.0))) / 100;
        return cpu <= 0 ? null : best.getDouble("deliveriesPerSec") / cpu;
    }

    private static String ratio(Double a, Double b) {
        return a == null || b == null || b == 0 ? "–" : "**" + Report.fmt(a / b) + "×**";
    }
}
