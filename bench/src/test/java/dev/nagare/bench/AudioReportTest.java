package dev.nagare.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "Audio listeners" section, from result files shaped as MjpegScenario writes them with --steps. */
class AudioReportTest {
    @TempDir
    Path results;

    @Test
    void eachFormatGetsCpuPerListenerAndMarginalCpuOfBothServersAndTheirRatios() throws Exception {
        // Nagare: 10% of a core with 1,000 listeners = 100 µs each; 2% with 100: (100,000 - 20,000) / 900 = 89 µs.
        write("nagare", "wav", run(20, 100, 2, 1000, 10, true));
        // icecast2: 25% = 250 µs each; marginal (250,000 - 25,000) / 900 = 250 µs; the last step fell behind.
        write("icecast", "wav", run(20, 100, 2.5, 1000, 25, false));
        write("nagare", "mp3", run(20, 100, 5, 1000, 8, true));
        String md = AudioReport.section(results);
        assertThat(md).contains("| WAV 768 kbit/s | 100 µs | 250 µs (*behind*) | **2.50×** | 89 µs | 250 µs (*behind*) | **2.81×** |");
        assertThat(md).contains("| MP3 128 kbit/s | 80 µs | not run |  | 33 µs | not run |  |");
        assertThat(md).contains("- WAV 768 kbit/s: Nagare spends **no more** per listener than icecast2");
        assertThat(md).doesNotContain("| Ogg/Opus"); // not run: no row
    }

    @Test
    void aLargerOneOffCostWithNoLargerMarginalCostIsSaidSo() throws Exception {
        write("nagare", "ogg", run(20, 100, 9, 1000, 9, true)); // 90 µs each, marginal 0
        write("icecast", "ogg", run(20, 100, 2, 1000, 3, true)); // 30 µs each, marginal 11 µs
        String md = AudioReport.section(results);
        assertThat(md).contains("| Ogg/Opus 128 kbit/s | 90 µs | 30 µs | **0.33×** | ~0 µs (0: noise) | 11 µs |  |");
        assertThat(md).contains("Nagare spends **more** per listener");
        assertThat(md).contains("Nagare's CPU with 100 listeners being 9% of a core against icecast2's 2%");
    }

    @Test
    void noResultsNoSection() throws Exception {
        assertThat(AudioReport.section(results)).isEmpty();
    }

    private static JsonObject run(int warmup, int low, double lowCpu, int high, double highCpu, boolean kept) {
        return new JsonObject().put("steps", new JsonArray().add(step(warmup, 50, true)).add(step(low, lowCpu, true))
                .add(step(high, highCpu, kept)));
    }

    private static JsonObject step(int viewers, double cpu, boolean pass) {
        return new JsonObject().put("viewers", viewers).put("serverCpuPct", cpu).put("pass", pass);
    }

    private void write(String server, String format, JsonObject r) throws Exception {
        Files.writeString(results.resolve("audio-" + server + "-" + format + ".json"), r.encode());
    }
}
