package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The "MJPEG viewers" section of docs/BENCHMARKS.md, from bench/results/video-{nagare,flask}.json. */
final class VideoReport {
    private VideoReport() {
    }

    static String section(Path results) throws IOException {
        JsonObject nagare = Report.load(results.resolve("video-nagare.json"));
        JsonObject flask = Report.load(results.resolve("video-flask.json"));
        if (nagare == null && flask == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("\n## MJPEG viewers\n\n");
        b.append("Clients reading one 640x480 @ 30 fps `multipart/x-mixed-replace` stream made from the same video file"
                + " (ffmpeg `testsrc`, H.264, 20 s, looped). A step passes when every viewer gets at least 28.5 frames/s over"
                + " 3 s (after 1 s of settling; viewers join 32 at a time). Nagare reads the file with its ffmpeg source (`-re -stream_loop -1`), encodes each frame once and"
                + " sends every viewer the newest; the guide's Flask generator (`bench/flask/video.py`: OpenCV from Debian's"
                + " `python3-opencv`, Werkzeug threaded as `app.run()`) opens the file and encodes for each viewer, paced to"
                + " 30 fps as a camera would be. Server CPU includes Nagare's ffmpeg child.\n\n");
        b.append("| Server | Max viewers at full fps | First failing step | Server CPU at the max | Load generator CPU |\n"
                + "|---|---:|---:|---:|---:|\n");
        row(b, "Nagare (ffmpeg source, encode once)", nagare);
        row(b, "Flask + OpenCV (the guide's generator)", flask);
        if (nagare != null && flask != null && flask.getInteger("maxViewersAtFullFps") > 0) {
            b.append(String.format(Locale.ROOT, "%n**Nagare / Flask (viewers at full fps): %.0f×**%s%n",
                    (double) nagare.getInteger("maxViewersAtFullFps") / flask.getInteger("maxViewersAtFullFps"),
                    nagare.getInteger("firstFailingViewers") < 0
                            ? " (a lower bound: Nagare passed every step up to the largest tried, BENCH_VIDEO_MAX)" : ""));
        }
        Map<String, JsonObject> runs = new LinkedHashMap<>();
        runs.put("Nagare", nagare);
        runs.put("Flask + OpenCV", flask);
        b.append(Report.stepsChart(results, "video-cpu.png", "MJPEG viewers at 30 fps: server CPU vs viewers",
                new Plot.Axes("viewers (log scale); hollow marker: a step where some viewer got under 28.5 fps", true,
                        "server CPU, % of one core", false, "%"), runs, "viewers", "serverCpuPct"));
        b.append("\nReproduce: `scripts/bench video`.\n");
        return b.toString();
    }

    private static void row(StringBuilder b, String label, JsonObject r) {
        if (r == null) {
            b.append("| ").append(label).append(" | not run | | | |\n");
            return;
        }
        int max = r.getInteger("maxViewersAtFullFps");
        JsonObject at = null;
        JsonArray steps = r.getJsonArray("steps");
        for (int i = 0; i < steps.size(); i++) {
            if (steps.getJsonObject(i).getInteger("viewers") == max) {
                at = steps.getJsonObject(i);
            }
        }
        int fail = r.getInteger("firstFailingViewers");
        b.append(String.format(Locale.ROOT, "| %s | **%d** | %s | %s | %s |%n", label, max,
                fail < 0 ? "none (stopped at the maximum tried)" : Integer.toString(fail),
                at == null ? "" : String.format(Locale.ROOT, "%.0f%%", at.getDouble("serverCpuPct")),
                at == null ? "" : String.format(Locale.ROOT, "%.0f%%", at.getDouble("loadgenCpuPct", -1.0))));
    }
}
