package dev.nagare.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broadcast headline's ratios, from runs shaped as the committed ones of 2026-11-30: Nagare's
 * and Flask-SocketIO's ramps both ran out of their time budget, Node.js's found its limit.
 */
class RampBoundsTest {
    static final String BUDGET = "time budget of 65.0 s used up; ramp stopped early";

    @TempDir
    Path dir;

    @Test
    void aRatioWhosePeerRanOutOfTimeComesWithTheRangeBothRampsAllow() {
        assertThat(RampBounds.note(nagare(), flask(), "Flask-SocketIO")).isEqualTo(" (not exact: Flask-SocketIO's ramp"
                + " ran out of its time budget, as Nagare's did; each limit lies between its max and the next rate"
                + " tried, so the ratio lies between 155× and 209×)");
    }

    @Test
    void aPeerWhoseRampFoundItsLimitGetsThePlainRatio() {
        assertThat(RampBounds.note(nagare(), node(), "Node.js")).isEmpty();
    }

    @Test
    void theNextRateTriedIsTheLowestConfirmedFailureAboveTheMax() {
        assertThat(RampBounds.nextFailed(flask())).isEqualTo(6_640L);
        assertThat(RampBounds.nextFailed(nagare())).isEqualTo(1_255_555L);
        assertThat(RampBounds.stoppedEarly(flask())).isTrue();
        assertThat(RampBounds.stoppedEarly(node())).isFalse();
    }

    @Test
    void theGeneratedPageSaysTheFlaskRatioIsNotExact() throws Exception {
        Path results = Files.createDirectories(dir.resolve("results"));
        Files.writeString(results.resolve("broadcast-nagare.json"), nagare().encode());
        Files.writeString(results.resolve("broadcast-node.json"), node().encode());
        Files.writeString(results.resolve("broadcast-flask.json"), flask().encode());
        Path page = dir.resolve("BENCHMARKS.md");
        Report.main(new String[] {"--results", results.toString(), "--out", page.toString()});
        assertThat(Files.readString(page)).contains("**Nagare / Flask-SocketIO: 171.19×** (not exact: Flask-SocketIO's"
                + " ramp ran out of its time budget, as Nagare's did; each limit lies between its max and the next rate"
                + " tried, so the ratio lies between 155× and 209×) · Nagare / raw Vert.x: n/a");
        assertThat(Files.readString(page)).contains("**Nagare / Node.js socket.io (max sustainable deliveries/s): 5.61×** ·");
    }

    private static JsonObject nagare() {
        return run("nagare", BUDGET, step(1025.2, 1_025_156, 1_026_943, true),
                step(1537.7, 1_537_734, 1_214_241, false).put("retried", true), step(1537.7, 1_537_734, 1_415_032, false),
                step(1255.6, 1_255_555, 1_158_510, false));
    }

    private static JsonObject node() {
        return run("node", null, step(183.0, 182_979, 183_048, true), step(202.5, 202_500, 200_825, false));
    }

    private static JsonObject flask() {
        return run("flask", BUDGET, step(6.0, 6_000, 5_999, true), step(9.0, 9_000, 8_999, false).put("retried", true),
                step(9.0, 9_000, 8_999, false), step(6.6, 6_640, 6_666, false));
    }

    private static JsonObject run(String server, String error, JsonObject... steps) {
        JsonObject best = null;
        for (JsonObject s : steps) {
            if (s.getBoolean("pass") && (best == null || s.getLong("deliveriesPerSec") > best.getLong("deliveriesPerSec"))) {
                best = s;
            }
        }
        return new JsonObject().put("scenario", "broadcast").put("server", server).put("clients", 1000)
                .put("payloadBytes", 100).put("stepSeconds", 3.0).put("settleSeconds", 1.0).put("factor", 1.5)
                .put("refine", 2).put("criteria", new JsonObject().put("maxP99Ms", 50.0).put("minDeliveryRatio", 0.9))
                .put("finishedAt", "2026-11-30T06:53:40Z").put("durationSeconds", 69).put("steps", new JsonArray(
                        java.util.List.of((Object[]) steps))).put("max", best).put("disconnects", 0)
                .put("errors", error == null ? new JsonArray() : new JsonArray().add(error));
    }

    private static JsonObject step(double rate, long target, long delivered, boolean pass) {
        return new JsonObject().put("phase", "ramp").put("rateMsgsPerSec", rate).put("targetDeliveriesPerSec", target)
                .put("deliveriesPerSec", delivered).put("deliveryRatio", (double) delivered / target)
                .put("p50Ms", 20.0).put("p90Ms", 30.0).put("p99Ms", pass ? 40.0 : 100.0).put("p999Ms", 45.0)
                .put("maxMs", 50.0).put("meanMs", 20.0).put("loadgenCpuPct", 10.0).put("loadgenCpuOfAvailablePct", 10.0)
                .put("serverCpuPct", 23.0).put("otherCpuPct", 0.0).put("softirqCpuPct", 1.0).put("serverRssMb", 131)
                .put("disconnects", 0).put("pass", pass).put("failReason", pass ? "" : "p99 > 50 ms");
    }
}
