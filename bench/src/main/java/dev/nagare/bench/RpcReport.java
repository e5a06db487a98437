package dev.nagare.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The "Ack RPC" section of docs/BENCHMARKS.md, from bench/results/rpc-{nagare,node,flask}.json. */
final class RpcReport {
    private RpcReport() {
    }

    static String section(Path results) throws IOException {
        JsonObject nagare = Report.load(results.resolve("rpc-nagare.json"));
        JsonObject node = Report.load(results.resolve("rpc-node.json"));
        JsonObject flask = Report.load(results.resolve("rpc-flask.json"));
        if (nagare == null && node == null && flask == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("\n## Ack RPC\n\n");
        b.append("Socket.IO clients in closed loops on `/bench`: emit `rpc` with an ack id, wait for the ack (the server echoes"
                + " the payload), emit again. Clients are added in steps (e.g. 10, 50, 100, 200), each measured for 4 s after 1 s of"
                + " settling (3 s of warm-up before the first); the table shows the 100-client step, the plot every step."
                + " Round trips/s is the server's request/response ceiling with that many clients in flight.\n\n");
        b.append("| Server | Clients | Round trips/s | p50 | p99 | Server CPU | Load-generator CPU |\n|---|---:|---:|---:|---:|---:|---:|\n");
        row(b, "Nagare", nagare);
        row(b, "Node.js socket.io", node);
        row(b, "Flask-SocketIO + eventlet", flask);
        b.append('\n');
        if (nagare != null && node != null) {
            b.append(String.format(Locale.ROOT, "**Nagare / Node.js (round trips/s): %.2f×**", ratio(nagare, node)));
        }
        if (nagare != null && flask != null) {
            b.append(String.format(Locale.ROOT, " · **Nagare / Flask-SocketIO: %.1f×**", ratio(nagare, flask)));
        }
        b.append('\n');
        b.append(chart(results, nagare, node, flask));
        b.append("\nReproduce: `scripts/bench rpc` (BENCH_RPC_CLIENTS for the headline step, BENCH_RPC_STEPS for the"
                + " client counts of the curve).\n");
        return b.toString();
    }

    /** p99 and p50 against round trips/s, one point per client count, in the order the clients were added. */
    private static String chart(Path results, JsonObject... runs) throws IOException {
        String[] names = {"Nagare", "Node.js socket.io", "Flask-SocketIO"};
        List<Plot.Series> series = new ArrayList<>();
        for (int i = 0; i < runs.length; i++) {
            if (runs[i] == null || !runs[i].containsKey("steps")) {
                continue;
            }
            series.addAll(Plot.latencySeries(names[i], i, Plot.steps(runs[i]), "roundTripsPerSecond", st -> Plot.Mark.PASS));
        }
        if (series.isEmpty()) {
            return "";
        }
        String title = "Ack RPC: latency vs round trips/s as clients are added";
        Plot.chart(title, new Plot.Axes("round trips/s (one point per client count, e.g. 10, 50, 100, 200 clients)", false,
                "request-to-ack latency (log scale)", true, " ms"), series, null, null, results.resolve("rpc-latency.png"));
        return Report.image(title, "rpc-latency.png");
    }

    private static double ratio(JsonObject a, JsonObject b) {
        return (double) a.getLong("roundTripsPerSecond") / Math.max(1, b.getLong("roundTripsPerSecond"));
    }

    private static void row(StringBuilder b, String label, JsonObject r) {
        if (r == null) {
            b.append("| ").append(label).append(" | not run | | | | | |\n");
            return;
        }
        JsonObject l = r.getJsonObject("latencyMs");
        b.append(String.format(Locale.ROOT, "| %s | %d | **%,d** | %.2f ms | %.2f ms | %.0f%% | %.0f%% |%n", label,
                r.getInteger("clients"), r.getLong("roundTripsPerSecond"), l.getDouble("p50"), l.getDouble("p99"),
                r.getDouble("serverCpuPct"), r.getDouble("loadgenCpuPct")));
    }
}
