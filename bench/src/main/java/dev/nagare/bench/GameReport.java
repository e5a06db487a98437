package dev.nagare.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The "Game tick" section of docs/BENCHMARKS.md, from bench/results/game-nagare.json. */
final class GameReport {
    private GameReport() {
    }

    static String section(Path results) throws IOException {
        Path f = results.resolve("game-nagare.json");
        if (!Files.exists(f)) {
            return "";
        }
        JsonObject r = new JsonObject(Files.readString(f));
        JsonObject s = r.getJsonObject("server");
        JsonObject l = r.getJsonObject("inputToStateMs");
        return String.format(Locale.ROOT, """

                ## Game tick

                %d bot players in one match of Nagare's arena (`/game`), each a real WebSocket client sending an input
                every tick at %d Hz for %.0f s (%s). The server steps the match, encodes one delta snapshot per tick and
                sends it to everyone as a volatile packet.

                | Measure | Value |
                |---|---|
                | tick time (simulation + encoding + fan-out), p50 / p99 / max | %.3f / %.3f / %.3f ms |
                | tick start jitter (late against the schedule), p50 / p99 / max | %.3f / %.3f / %.3f ms |
                | snapshot bytes/s per player | %,d |
                | snapshots/s per player | %.1f |
                | input → first snapshot showing it applied, p50 / p99 / max (loopback) | %.1f / %.1f / %.1f ms |
                | inputs/s accepted by the server | %,d |
                | disconnects | %d |

                "Input to render": a player's own avatar is predicted and drawn on the next animation frame; the
                latency above is until the server's confirmation arrives (half an RTT, up to one tick of waiting, one
                tick). Reproduce: `scripts/bench game` (BENCH_GAME_PLAYERS).
                """, r.getInteger("players"), r.getInteger("tickHz"), r.getDouble("seconds"), r.getString("date"),
                s.getDouble("tickMsP50"), s.getDouble("tickMsP99"), s.getDouble("tickMsMax"),
                s.getDouble("jitterMsP50"), s.getDouble("jitterMsP99"), s.getDouble("jitterMsMax"),
                r.getLong("snapshotBytesPerSecondPerPlayer"), r.getDouble("snapshotsPerSecondPerPlayer"),
                l.getDouble("p50"), l.getDouble("p99"), l.getDouble("max"), r.getLong("inputsPerSecond"),
                r.getLong("disconnects"));
    }
}
