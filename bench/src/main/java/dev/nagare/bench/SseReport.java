package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        JsonArray steps = r.getJsonArray("steps");
        if (steps == null) {
            return "";
        }
        List<Plot.Point> p99 = new ArrayList<>();
        List<Plot.Point> p50 = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            JsonObject st = steps.getJsonObject(i);
            Plot.Mark m = st.getBoolean("everyReaderGotEveryEvent") ? Plot.Mark.PASS : Plot.Mark.FAIL;
            p99.add(new Plot.Point(st.getDouble("deliveriesPerSecond"), Math.max(0.01, st.getDouble("p99Ms")), m));
            p50.add(new Plot.Point(st.getDouble("deliveriesPerSecond"), Math.max(0.01, st.getDouble("p50Ms")), m));
        }
        String title = String.format(Locale.ROOT, "SSE fan-out, %,d readers: latency vs deliveries/s", r.getInteger("clients"));
        Plot.chart(title, new Plot.Axes("deliveries/s (events/s x readers); hollow marker: some reader missed an event",
                false, "publish-to-reader latency (log scale)", true, " ms"),
                List.of(new Plot.Series("Nagare p99", 0, false, p99), new Plot.Series("Nagare p50", 0, true, p50)),
                null, null, results.resolve("sse-latency.png"));
        return "\n![" + title + "](" + Report.resultsLink() + "/sse-latency.png)\n";
    }
}
