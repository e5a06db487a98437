package dev.nagare.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The "Ack RPC" section of docs/BENCHMARKS.md, from bench/results/rpc-{nagare,node,flask}.json. */
final class RpcReport {
    private RpcReport() {
    }

    static String section(Path results) throws IOException {
        JsonObject nagare = load(results.resolve("rpc-nagare.json"));
        JsonObject node = load(results.resolve("rpc-node.json"));
        JsonObject flask = load(results.resolve("rpc-flask.json"));
        if (nagare == null && node == null && flask == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("\n## Ack RPC\n\n");
        b.append("Socket.IO clients in closed loops on `/bench`: emit `rpc` with an ack id, wait for the ack (the server echoes"
                + " the payload), emit again; 10 s measured after 3 s of warm-up. Round trips/s is the server's request/response"
                + " ceiling with that many clients in flight.\n\n");
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
        b.append("\n\nReproduce: `scripts/bench rpc` (BENCH_RPC_CLIENTS).\n");
        return b.toString();
    }

    private static double ratio(JsonObject a, JsonObject b) {
        return (double) a.getLong("roundTripsPerSecond") / Math.max(1, b.getLong("roundTripsPerSecond"));
    }

    private static JsonObject load(Path f) throws IOException {
        return Files.exists(f) ? new JsonObject(Files.readString(f)) : null;
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
