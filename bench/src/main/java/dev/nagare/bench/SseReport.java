package dev.nagare.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The "SSE fan-out" section of docs/BENCHMARKS.md, from bench/results/sse-nagare.json. */
final class SseReport {
    private SseReport() {
    }

    static String section(Path results) throws IOException {
        JsonObject r = Report.load(results.resolve("sse-nagare.json"));
        if (r == null) {
            return "";
        }
        JsonObject l = r.getJsonObject("latencyMs");
        return String.format(Locale.ROOT, """

                ## SSE fan-out

                %,d readers of `/sse/bench` (bearer token); %.0f events/s published with `POST /api/sse/bench` for %.0f s (%s).

                | Deliveries/s | Publish → reader p50 | p99 | max | Every reader got every event |
                |---:|---:|---:|---:|---|
                | %,d | %.2f ms | %.2f ms | %.2f ms | %s |

                No peer runs this scenario (none of them has named SSE channels).
                %s
                Reproduce: `scripts/bench sse` (BENCH_SSE_CLIENTS, BENCH_SSE_RATE for the table, BENCH_SSE_RATES for the plot).
                """, r.getInteger("clients"), r.getDouble("rate"), r.getDouble("seconds"), r.getString("date"),
                r.getLong("deliveriesPerSecond"), l.getDouble("p50"), l.getDouble("p99"), l.getDouble("max"),
                r.getBoolean("everyReaderGotEveryEvent") ? "yes" : "**no**", chart(results, r));
    }

    /** p99 and p50 against deliveries/s, one point per publish rate. */
    private static String chart(Path results, JsonObject r) throws IOException {
        if (!r.containsKey("steps")) {
            return "";
        }
        String title = String.format(Locale.ROOT, "SSE fan-out, %,d readers: latency vs deliveries/s", r.getInteger("clients"));
        Plot.chart(title, new Plot.Axes("deliveries/s (events/s x readers); hollow marker: some reader missed an event",
                false, "publish-to-reader latency (log scale)", true, " ms"),
                Plot.latencySeries("Nagare", 0, Plot.steps(r), "deliveriesPerSecond",
                        st -> st.getBoolean("everyReaderGotEveryEvent") ? Plot.Mark.PASS : Plot.Mark.FAIL),
                null, null, results.resolve("sse-latency.png"));
        return Report.image(title, "sse-latency.png");
    }
}
