package dev.nagare.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The "Chat end to end" section of docs/BENCHMARKS.md, from bench/results/chat-nagare.json. */
final class ChatReport {
    private ChatReport() {
    }

    static String section(Path results) throws IOException {
        Path f = results.resolve("chat-nagare.json");
        if (!Files.exists(f)) {
            return "";
        }
        JsonObject r = new JsonObject(Files.readString(f));
        JsonObject d = r.getJsonObject("deliveryMs");
        JsonObject a = r.getJsonObject("ackMs");
        StringBuilder b = new StringBuilder();
        b.append("\n## Chat end to end\n\n");
        b.append(String.format(Locale.ROOT, "%d logged-in users in one room of Nagare's real `/chat` namespace;"
                + " %d of them post %.0f messages/s in total for %.0f s (%s). Every message is stored in SQLite before"
                + " it is acked and broadcast.%n%n", r.getInteger("users"), r.getInteger("senders"), r.getDouble("rate"),
                r.getDouble("seconds"), r.getString("date")));
        b.append("| Measure | p50 | p99 | p99.9 | max |\n|---|---|---|---|---|\n");
        b.append(row("send → every member's `message` event", d));
        b.append(row("send → ack (stored)", a));
        b.append(String.format(Locale.ROOT, "%n| Check | Result |%n|---|---|%n"
                        + "| messages sent / acked / refused | %d / %d / %s |%n"
                        + "| messages persisted (counted through the history API) | %d: %s |%n"
                        + "| deliveries / expected (acked × users) | %d / %d: %s |%n"
                        + "| deliveries/s while measuring | %d |%n"
                        + "| connect 1,000 users (tokens checked, presence announced) | %d ms |%n"
                        + "| disconnects | %d |%n",
                r.getLong("sent"), r.getLong("acked"), r.getString("refused"), r.getLong("persisted"),
                r.getBoolean("persistedEqualsAcked") ? "equal to acked" : "**NOT equal to acked**",
                r.getLong("deliveries"), r.getLong("expectedDeliveries"),
                r.getBoolean("everyoneGotEverything") ? "none lost" : "**some lost**",
                r.getLong("measuredDeliveriesPerSecond"), r.getLong("connectMs"), r.getLong("disconnects")));
        b.append("\nReproduce: `scripts/bench chat` (BENCH_CHAT_USERS, BENCH_CHAT_SENDERS, BENCH_CHAT_RATE,"
                + " BENCH_CHAT_SECONDS). No peer runs this scenario: it is Nagare's chat application, not a protocol"
                + " benchmark.\n");
        return b.toString();
    }

    private static String row(String what, JsonObject p) {
        return String.format(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n", what, p.getDouble("p50"),
                p.getDouble("p99"), p.getDouble("p999"), p.getDouble("max"));
    }
}
