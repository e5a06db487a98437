package dev.nagare.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The "SSE fan-out" section of docs/BENCHMARKS.md, from bench/results/sse-nagare.json. */
final class SseReport {
    private SseReport() {
    }

    static String section(Path results) throws IOException {
        Path f = results.resolve("sse-nagare.json");
        if (!Files.exists(f)) {
            return "";
        }
        JsonObject r = new JsonObject(Files.readString(f));
        JsonObject l = r.getJsonObject("latencyMs");
        return String.format(Locale.ROOT, """

                ## SSE fan-out

                %,d readers of `/sse/bench` (bearer token); %.0f events/s published with `POST /api/sse/bench` for %.0f s (%s).

                | Deliveries/s | Publish → reader p50 | p99 | max | Every reader got every event |
                |---:|---:|---:|---:|---|
                | %,d | %.2f ms | %.2f ms | %.2f ms | %s |

                No peer runs this scenario (none of them has named SSE channels). Reproduce: `scripts/bench sse`
                (BENCH_SSE_CLIENTS, BENCH_SSE_RATE).
                """, r.getInteger("clients"), r.getDouble("rate"), r.getDouble("seconds"), r.getString("date"),
                r.getLong("deliveriesPerSecond"), l.getDouble("p50"), l.getDouble("p99"), l.getDouble("max"),
                r.getBoolean("everyReaderGotEveryEvent") ? "yes" : "**no**");
    }
}
