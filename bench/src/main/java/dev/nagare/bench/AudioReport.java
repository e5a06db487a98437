package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The "Audio listeners" section of docs/BENCHMARKS.md, from bench/results/audio-{nagare,icecast}-{ogg,wav,mp3}.json:
 * per HTTP format, the server CPU per listener of Nagare and icecast2 measured in the same run.
 */
final class AudioReport {
    static final List<String> FORMATS = List.of("ogg", "wav", "mp3");

    private AudioReport() {
    }

    /** One server's figures for one format (CPU in microseconds per listener-second). */
    record Figures(int listeners, double perListener, double marginal, boolean kept, int fewer, double fewerCpuPct) {
    }

    static String section(Path results) throws IOException {
        StringBuilder rows = new StringBuilder();
        StringBuilder verdicts = new StringBuilder();
        int listeners = 0;
        for (String f : FORMATS) {
            Figures n = figures(Report.load(results.resolve("audio-nagare-" + f + ".json")));
            Figures i = figures(Report.load(results.resolve("audio-icecast-" + f + ".json")));
            if (n == null && i == null) {
                continue;
            }
            listeners = Math.max(listeners, Math.max(n == null ? 0 : n.listeners(), i == null ? 0 : i.listeners()));
            rows.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", label(f), cell(n, true),
                    cell(i, true), ratio(n, i, true), cell(n, false), cell(i, false), ratio(n, i, false)));
            if (n != null && i != null) {
                verdicts.append(String.format(Locale.ROOT, "- %s: Nagare spends %s per listener than icecast2 (%.0f vs %.0f µs"
                        + " per listener-second at %d listeners; marginal %.0f vs %.0f µs).%n", label(f),
                        n.perListener() <= i.perListener() ? "**no more**" : "**more**", n.perListener(), i.perListener(),
                        n.listeners(), n.marginal(), i.marginal()));
                if (n.perListener() > i.perListener() && n.marginal() <= i.marginal()) {
                    verdicts.append(String.format(Locale.ROOT, "  One more listener costs Nagare no more: the difference is"
                            + " the one-off cost (the JVM, reading the source, encoding once), Nagare's CPU with %d listeners being %.0f%% of a core"
                            + " against icecast2's %.0f%%.%n", n.fewer(), n.fewerCpuPct(), i.fewerCpuPct()));
                }
            }
        }
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("\n## Audio listeners\n\n");
        b.append("HTTP listeners of one 440 Hz tone (48 kHz mono, made by ffmpeg's `lavfi sine`), per format: Ogg/Opus at"
                + " 128 kbit/s, WAV (16-bit PCM, 768 kbit/s) and MP3 at 128 kbit/s. Nagare runs only its audio module"
                + " (`NAGARE_APPS=audio`, as icecast2 serves only audio), reads the tone from ffmpeg, encodes each"
                + " format once for all listeners (Opus and MP3 each with one ffmpeg child: libopus, libmp3lame) and writes each"
                + " listener one batch per second of audio; icecast2"
                + " (Debian) relays the same tone encoded by ffmpeg (libopus, PCM in WAV, libmp3lame) as its source,"
                + " whose CPU is counted with icecast's, as Nagare's ffmpeg children are counted with Nagare. Each format"
                + " starts a fresh server; " + listeners / 10 + " listeners warm it up (not recorded; BENCH_AUDIO_WARMUP_SECONDS,"
                + " 60 s by default, while the JIT compiles the steady-state code; it had taken longest for the Java Opus encoder,"
                + " which Nagare now uses only without ffmpeg), then it is measured"
                + " with " + listeners / 10 + " and with " + listeners + " listeners, " + "each step after 2 s of settling. \"Per listener\" is all the"
                + " server's CPU at the last step divided by its listeners (the encoding, done once, included);"
                + " \"marginal\" is the CPU added per listener between the last two steps (what one more listener"
                + " costs). In µs of CPU per listener-second; a ratio above 1 means Nagare spends less. A step where a"
                + " listener received under 14,000 bytes/s (90,000 for WAV) is marked *behind*.\n\n");
        b.append("| Format | Nagare per listener | icecast2 per listener | icecast2 / Nagare | Nagare marginal"
                + " | icecast2 marginal | icecast2 / Nagare (marginal) |\n|---|---:|---:|---:|---:|---:|---:|\n");
        b.append(rows).append('\n').append(verdicts);
        b.append("\nThe machine is shared with other work (other builds and tests ran alongside; the server is pinned to"
                + " one core): a step's CPU moves by up to about 5% of a core from run to run, which is up to 50 µs per"
                + " listener at " + listeners + " listeners, and more for the marginal cost. A listener *behind* at the"
                + " largest step may be the load generator's limit as much as the server's.\n");
        if (verdicts.indexOf("Ogg/Opus") >= 0 && verdicts.toString().contains("**more**")) {
            b.append("\nWhere Nagare's Ogg/Opus CPU goes (a profile taken once, 2026-12-05, with 1,000 Ogg listeners after"
                    + " several minutes: per-process CPU from `/proc/<pid>/stat`, and `perf record -p <pid>` with the JIT's"
                    + " symbols from `jcmd <pid> Compiler.perfmap`): the JVM 31 ms of CPU per second, the Opus encoder's ffmpeg"
                    + " 7 ms and the tone's ffmpeg 9 ms, against icecast2's process and its source together at about 29 ms."
                    + " Of the JVM's samples, 68% were the threads writing to listeners (46.5% in the kernel, about 12 µs per"
                    + " listener-second for one write of a second of pages; 30% in Java, about 8 µs: Vert.x's chunked HTTP"
                    + " write path), 9% the JVM's own periodic sampling (`UsePerfData`, about 2.3 ms per second), 9% reading"
                    + " the source, 5.6% the encoder pipe's threads and 3.4% the JIT. The kernel's write alone is about"
                    + " icecast2's whole marginal cost; what bounds Nagare beyond it is Java's per-write work and the fixed"
                    + " cost of a JVM and two ffmpeg processes, which 1,000 listeners do not yet amortise.\n");
        }
        b.append("\nReproduce: `scripts/bench audio` (BENCH_AUDIO_LISTENERS, BENCH_AUDIO_FORMATS, BENCH_AUDIO_STEP_SECONDS, BENCH_AUDIO_WARMUP_SECONDS).\n");
        return b.toString();
    }

    private static String label(String format) {
        return switch (format) {
            case "ogg" -> "Ogg/Opus 128 kbit/s";
            case "wav" -> "WAV 768 kbit/s";
            default -> "MP3 128 kbit/s";
        };
    }

    private static String cell(Figures f, boolean perListener) {
        if (f == null) {
            return "not run";
        }
        double v = perListener ? f.perListener() : f.marginal();
        // A step's CPU moves by a few % of a core from run to run: a marginal cost below 1 µs is noise.
        return (v < 1 ? String.format(Locale.ROOT, "~0 µs (%.0f: noise)", v) : String.format(Locale.ROOT, "%.0f µs", v))
                + (f.kept() ? "" : " (*behind*)");
    }

    private static String ratio(Figures n, Figures i, boolean perListener) {
        if (n == null || i == null) {
            return "";
        }
        double a = perListener ? n.perListener() : n.marginal();
        double c = perListener ? i.perListener() : i.marginal();
        return a < 1 ? "" : String.format(Locale.ROOT, "**%.2f×**", c / a);
    }

    /**
     * From a run of steps N/10 (warm-up), N/10, N: the last step's CPU per listener and the marginal CPU between
     * the last two; null without those steps.
     */
    static Figures figures(JsonObject r) {
        if (r == null) {
            return null;
        }
        JsonArray steps = r.getJsonArray("steps");
        if (steps == null || steps.size() < 2) {
            return null;
        }
        JsonObject low = steps.getJsonObject(steps.size() - 2);
        JsonObject high = steps.getJsonObject(steps.size() - 1);
        int n = high.getInteger("viewers");
        int m = low.getInteger("viewers");
        double cpuHigh = high.getDouble("serverCpuPct") * 10_000; // µs of CPU per second
        double cpuLow = low.getDouble("serverCpuPct") * 10_000;
        double marginal = n > m ? (cpuHigh - cpuLow) / (n - m) : Double.NaN;
        return new Figures(n, cpuHigh / n, marginal, high.getBoolean("pass") && low.getBoolean("pass"), m,
                low.getDouble("serverCpuPct"));
    }
}
