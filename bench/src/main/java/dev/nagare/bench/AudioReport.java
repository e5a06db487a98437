package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The "Audio listeners" section of docs/BENCHMARKS.md, from bench/results/audio-{nagare,icecast}.json. */
final class AudioReport {
    private AudioReport() {
    }

    static String section(Path results) throws IOException {
        JsonObject nagare = Report.load(results.resolve("audio-nagare.json"));
        JsonObject icecast = Report.load(results.resolve("audio-icecast.json"));
        if (nagare == null && icecast == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("\n## Audio listeners\n\n");
        b.append("Listeners of one 440 Hz tone as 128 kbit/s Ogg/Opus. Nagare reads the tone from ffmpeg (`lavfi sine`)"
                + " and encodes Opus once in Java (Concentus); icecast2 (Debian) relays the same tone encoded by ffmpeg's"
                + " libopus, whose CPU is counted with icecast's. A step passes when every listener receives at least 14,000"
                + " bytes/s. \"Marginal CPU per listener\" is the server CPU added per listener between the two largest"
                + " passing steps (the one-off encoding cost and the JIT warm-up cancel out).\n\n");
        b.append("| Server | Listeners kept up (largest step tried) | Server CPU at that step | Marginal CPU per listener |\n"
                + "|---|---:|---:|---:|\n");
        Double n = row(b, "Nagare (Java Opus encoder, 1 s batches)", nagare);
        Double i = row(b, "icecast2 + ffmpeg libopus", icecast);
        if (n != null && i != null && n > 0) {
            b.append(String.format(Locale.ROOT, "%n**icecast2 / Nagare (marginal CPU per listener): %.2f×** (above 1: Nagare"
                    + " spends less per listener)%n", i / n));
        }
        Map<String, JsonObject> runs = new LinkedHashMap<>();
        runs.put("Nagare", nagare);
        runs.put("icecast2 + ffmpeg", icecast);
        b.append(Report.stepsChart(results, "audio-cpu.png", "Ogg/Opus listeners at 128 kbit/s: server CPU vs listeners",
                new Plot.Axes("listeners (log scale); hollow marker: a step where some listener fell behind", true,
                        "server CPU, % of one core", false, "%"), runs, "viewers", "serverCpuPct"));
        b.append("\nReproduce: `scripts/bench audio` (BENCH_AUDIO_MAX).\n");
        return b.toString();
    }

    /** Adds the row; returns the marginal CPU per listener in % of a core (null if unknown). */
    private static Double row(StringBuilder b, String label, JsonObject r) {
        if (r == null) {
            b.append("| ").append(label).append(" | not run | | |\n");
            return null;
        }
        // The marginal cost between the two largest passing steps: per-listener work dominates there,
        // and the warm-up of the first steps (JIT) stays out of it.
        JsonArray steps = r.getJsonArray("steps");
        JsonObject first = null;
        JsonObject last = null;
        for (int k = 0; k < steps.size(); k++) {
            JsonObject s = steps.getJsonObject(k);
            if (!s.getBoolean("pass")) {
                continue;
            }
            if (last == null || s.getInteger("viewers") > last.getInteger("viewers")) {
                first = last;
                last = s;
            } else if (first == null || s.getInteger("viewers") > first.getInteger("viewers")) {
                first = s;
            }
        }
        Double marginal = null;
        if (first != null && last != null && last.getInteger("viewers") > first.getInteger("viewers")) {
            marginal = (last.getDouble("serverCpuPct") - first.getDouble("serverCpuPct"))
                    / (last.getInteger("viewers") - first.getInteger("viewers"));
        }
        int fail = r.getInteger("firstFailingViewers");
        b.append(String.format(Locale.ROOT, "| %s | **%d**%s | %s | %s |%n", label, r.getInteger("maxViewersAtFullFps"),
                fail < 0 ? " (all passed)" : ", failed at " + fail,
                last == null ? "" : String.format(Locale.ROOT, "%.0f%%", last.getDouble("serverCpuPct")),
                marginal == null ? "" : String.format(Locale.ROOT, "%.4f%% of a core", marginal)));
        return marginal == null ? null : Math.max(marginal, 1e-6);
    }
}
