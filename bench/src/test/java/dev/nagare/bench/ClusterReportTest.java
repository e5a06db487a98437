package dev.nagare.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "Cluster" section, from result files shaped as ClusterScenario writes them. */
class ClusterReportTest {
    @TempDir
    Path results;

    @Test
    void eachNodeCountGetsTheRatioOfMaximaAndOfDeliveriesPerCpuSecond() throws Exception {
        write("nagare", 2, run(step(400_000, true, 90, 10, 0), 0));
        write("node", 2, run(step(80_000, true, 95, 5, 0), 0));
        String md = ClusterReport.section(results);
        // 400,000 / 80,000 = 5; per CPU-second: 400,000 / 1.00 over 80,000 / 1.00
        assertThat(md).contains("| 2 | 400,000 (p99 20 ms; CPU 90% + Redis 10%; other 3%) | 80,000 (p99 20 ms; CPU 95% + Redis 5%;"
                + " other 3%) | **5×** | 400,000 | 80,000 | **5×** |");
        assertThat(md).contains("| 2 | Nagare | 1 ms | 2 ms | 1.50 ms | 3 ms | +0.50 ms |");
        assertThat(md).contains("does **not** measure scaling out");
        assertThat(md).contains("Every message published in every step reached every receiver");
    }

    @Test
    void lateDeliveriesCountedInTheNextStepAreNotReportedAsLost() throws Exception {
        JsonObject r = run(step(400_000, true, 90, 10, 3500), 0);
        r.getJsonArray("steps").add(step(600_000, false, 99, 10, -3500));
        r.remove("undeliveredAtEnd");
        write("nagare", 1, r);
        assertThat(ClusterReport.section(results)).contains("Every message published in every step reached every receiver");
    }

    @Test
    void whatNeverArrivedIsStatedWithTheServerAndNodeCount() throws Exception {
        write("nagare", 3, run(step(400_000, true, 90, 10, 0), 1200));
        assertThat(ClusterReport.section(results)).contains("Not delivered once the queues had drained: Nagare with 3 nodes:"
                + " 1,200 deliveries never arrived.");
    }

    @Test
    void noResultsNoSection() throws Exception {
        assertThat(ClusterReport.section(results)).isEmpty();
    }

    private void write(String server, int nodes, JsonObject r) throws Exception {
        Files.writeString(results.resolve("cluster-" + server + "-" + nodes + ".json"), r.put("nodes", nodes).encode());
    }

    private static JsonObject run(JsonObject best, long undelivered) {
        JsonObject latency = step(10_000, true, 10, 1, 0).put("rateMsgsPerSec", 20.0)
                .put("local", new JsonObject().put("p50Ms", 1.0).put("p99Ms", 2.0))
                .put("remote", new JsonObject().put("p50Ms", 1.5).put("p99Ms", 3.0));
        return new JsonObject().put("scenario", "cluster").put("clients", 500).put("payloadBytes", 100)
                .put("stepSeconds", 2.0).put("factor", 1.6).put("finishedAt", "2026-12-05T16:00:00Z")
                .put("criteria", new JsonObject().put("maxP99Ms", 50.0).put("minDeliveryRatio", 0.9))
                .put("steps", new JsonArray().add(best)).put("max", best).put("latency", latency)
                .put("undeliveredAtEnd", undelivered).put("errors", new JsonArray());
    }

    private static JsonObject step(long deliveries, boolean pass, double serversCpu, double redisCpu, long undelivered) {
        return new JsonObject().put("deliveriesPerSec", deliveries).put("p99Ms", 20.0).put("pass", pass)
                .put("serversCpuPct", serversCpu).put("redisCpuPct", redisCpu).put("otherCpuPct", 3.0)
                .put("undeliveredAfterDrain", undelivered);
    }
}
