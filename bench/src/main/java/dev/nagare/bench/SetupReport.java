package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The "Connection set-up" section of docs/BENCHMARKS.md, from bench/results/setup-{nagare,node}.json
 * (written by bench/node/setup.mjs: the official socket.io-client against each server).
 */
final class SetupReport {
    private SetupReport() {
    }

    static String section(Path results) throws IOException {
        JsonObject nagare = Report.load(results.resolve("setup-nagare.json"));
        JsonObject node = Report.load(results.resolve("setup-node.json"));
        if (nagare == null && node == null) {
            return "";
        }
        JsonObject any = nagare != null ? nagare : node;
        StringBuilder b = new StringBuilder("\n## Connection set-up\n\n");
        b.append(String.format(Locale.ROOT, "The official Node client (%s, `forceNew`, no reconnection) opens connections to"
                + " `/bench` at a fixed rate (1/s and 100/s, not waiting for earlier ones) and, on `connect`, emits `rpc` with an"
                + " ack; both servers ack at once with the same handler. A set-up is timed from the `io()` call (when the first"
                + " request leaves) to that first ack. \"Polling first\" is the client's default transports (`polling`, then the"
                + " upgrade to WebSocket); \"WebSocket only\" is `transports: [\"websocket\"]`. Before the cases, %d set-ups of each"
                + " kind at 100/s warm both sides up (not recorded; with a few hundred, the JVM's C2 compiler was still busy"
                + " on the server's one core during the 100/s cases), and Nagare's JVM then gets one full collection"
                + " (`jcmd <pid> GC.run`, as in the broadcast scenario), so that the first, slow promotion of what start-up"
                + " and warm-up left does not land in a case. As the Node client does by default, every polling request is"
                + " a new TCP connection. Both servers run only the bench namespace (Nagare with `NAGARE_APPS=none`: none of"
                + " the product's apps, whose timers and sources would otherwise run beside the set-ups). Every case runs %d"
                + " times, one round of all cases after another, and a case's figures pool the set-ups of its rounds, so that"
                + " the machine's drifting load spreads over both servers' cases rather than falling on one.%n%n",
                any.getString("client", "socket.io-client"), any.getInteger("warmup", 0), any.getInteger("rounds", 1)));
        b.append("| Transports | Rate | Set-ups | Nagare p50 / p99 | Node.js socket.io p50 / p99 | Nagare / Node.js (p50) |"
                + " Nagare / Node.js (p99) | All done in (Nagare / Node.js) | Load average (Nagare / Node.js) |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        JsonArray cases = any.getJsonArray("cases", new JsonArray());
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.getJsonObject(i);
            JsonObject a = find(nagare, c);
            JsonObject o = find(node, c);
            b.append(String.format(Locale.ROOT, "| %s | %s/s | %s | %s | %s | **%s** | %s | %s / %s | %s / %s |%n",
                    transports(c), Report.fmt(c.getDouble("rate")), count(c, a, o), pair(a), pair(o),
                    ratio(a, o, "p50"), ratio(a, o, "p99"), seconds(a), seconds(o), load(a), load(o)));
        }
        b.append("\nIssue 24 asks for Nagare's set-up median and p99 at or below Node.js socket.io's. In this run (pooled"
                + " over the rounds):\n\n");
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.getJsonObject(i);
            verdict(b, c, find(nagare, c), find(node, c));
        }
        JsonArray pauses = nagare == null ? null : nagare.getJsonArray("gcPausesMs");
        if (pauses != null && pauses.isEmpty()) {
            b.append("\nNagare's JVM did not pause for garbage collection during the cases (its GC log, apart from the"
                    + " full collection after the warm-up): its tail is not a collector's.\n");
        } else if (pauses != null) {
            double longest = 0;
            for (int i = 0; i < pauses.size(); i++) {
                longest = Math.max(longest, pauses.getDouble(i));
            }
            b.append(String.format(Locale.ROOT, "%nNagare's JVM paused %d time%s for garbage collection during the run, apart from"
                    + " the full collection after the warm-up (its GC log)%s: the set-ups in flight during a pause wait for it,"
                    + " which is what such a pause adds to the p99 of the case it falls in.%n", pauses.size(), pauses.size() == 1 ? "" : "s",
                    pauses.isEmpty() ? "" : String.format(Locale.ROOT, ", longest %s ms", Report.fmt(longest))));
        }
        b.append("\nWith polling first, Nagare holds what is queued for the pending poll (the CONNECT reply) from the"
                + " upgrade request until the WebSocket's `2probe` arrives (`--upgrade-hold`, 50 ms at most), so that the"
                + " probe's answer reaches the client first and its first emit rides the WebSocket (\"First emit over"
                + " polling\" below); its CONNECT phase therefore includes the WebSocket handshake and the probe (in the"
                + " profile below, the last GET polling is answered after the GET websocket). Medians within a millisecond"
                + " or two at 1/s are inside the spread between runs on this shared machine; compare several runs.\n");
        b.append("\nA ratio above 1 means Nagare takes longer. \"All done in\" is from the first `io()` to the last ack (or"
                + " failure): well past count / rate, set-ups queued (in the client or the server) and their times measure"
                + " that queue rather than a set-up. The load average is the machine's as the case ended; on a shared"
                + " machine anything near or above its core count makes the case noisy.");
        b.append(" Where the time goes, medians of each phase on its own (the"
                + " OPEN: handshake answered, from `io()`; the CONNECT acknowledged, after the OPEN; the first ack, after the"
                + " CONNECT), the HTTP requests a set-up made before its ack (median), how many set-ups sent their first emit"
                + " over polling (the CONNECT reply reached the client before the upgrade probe's pong, so the emit and its"
                + " ack cost a POST and another long-poll GET instead of riding the new WebSocket) and how many had switched"
                + " to WebSocket before their ack:\n\n");
        b.append("| Transports | Rate | Server | OPEN | CONNECT | First ack | Requests | First emit over polling"
                + " | Upgraded before the ack | Failed |\n|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.getJsonObject(i);
            phases(b, c, "Nagare", find(nagare, c));
            phases(b, c, "Node.js", find(node, c));
        }
        b.append("\nThe requests of one polling-first set-up at 1/s, in order (the most common sequence; medians over the"
                + " set-ups that made it): when each was sent and answered, in ms from `io()`, and the server's time (sent to"
                + " first byte of the answer, loopback included). A long-poll GET's \"server time\" is mostly waiting for"
                + " something to send.\n\n");
        profile(b, "Nagare", nagare);
        profile(b, "Node.js socket.io", node);
        b.append("Reproduce: `scripts/bench setup` (BENCH_SETUP_COUNT set-ups at 100/s, BENCH_SETUP_SLOW_COUNT at 1/s,"
                + " BENCH_SETUP_WARMUP); one server: `node bench/node/setup.mjs --url http://127.0.0.1:PORT --server NAME"
                + " --cases \"polling,websocket@1x30\"`.\n");
        return b.toString();
    }

    /**
     * One line per case: whether Nagare's p50 and p99 are at or below Node's and, where not, the
     * phase in which Nagare loses the most (medians), the failures and the machine's load.
     */
    private static void verdict(StringBuilder b, JsonObject like, JsonObject nagare, JsonObject node) {
        JsonObject x = nagare == null ? null : nagare.getJsonObject("totalMs");
        JsonObject y = node == null ? null : node.getJsonObject("totalMs");
        String name = transports(like) + " at " + Report.fmt(like.getDouble("rate")) + "/s";
        if (x == null || y == null) {
            b.append("- ").append(name).append(": not measured for both servers.\n");
            return;
        }
        boolean p50 = x.getDouble("p50") <= y.getDouble("p50");
        boolean p99 = x.getDouble("p99") <= y.getDouble("p99");
        b.append("- ").append(name).append(": median ").append(p50 ? "**at or below** Node's" : "**above** Node's")
                .append(" (").append(Report.fmt(x.getDouble("p50"))).append(" vs ").append(Report.fmt(y.getDouble("p50")))
                .append(" ms), p99 ").append(p99 ? "**at or below**" : "**above**").append(" (")
                .append(Report.fmt(x.getDouble("p99"))).append(" vs ").append(Report.fmt(y.getDouble("p99"))).append(" ms)");
        int nagareFailed = nagare.getInteger("failed", 0);
        int nodeFailed = node.getInteger("failed", 0);
        if (nagareFailed > 0 || nodeFailed > 0) {
            b.append("; set-ups failed (no ack in time): Nagare ").append(nagareFailed).append(", Node.js ")
                    .append(nodeFailed).append(", so this case measured a queue (the machine or the server"
                            + " falling behind) more than a set-up");
        }
        if (!p50 || !p99) {
            String worst = null;
            double gap = 0;
            for (String[] phase : new String[][] {{"handshakeMs", "OPEN"}, {"connectMs", "CONNECT"}, {"ackMs", "first ack"}}) {
                JsonObject a = nagare.getJsonObject(phase[0]);
                JsonObject o = node.getJsonObject(phase[0]);
                if (a != null && o != null && a.getDouble("p50") - o.getDouble("p50") > gap) {
                    gap = a.getDouble("p50") - o.getDouble("p50");
                    worst = String.format(Locale.ROOT, "%s (%s vs %s ms)", phase[1], Report.fmt(a.getDouble("p50")),
                            Report.fmt(o.getDouble("p50")));
                }
            }
            b.append(worst == null ? "; no phase is slower at its median, so the tail comes from set-ups that waited"
                    : "; Nagare loses most in the " + worst + " phase (medians)");
            Double load = nagare.getDouble("loadAverage");
            if (load != null && load >= Runtime.getRuntime().availableProcessors()) {
                b.append("; the machine's load average was ").append(Report.fmt(load))
                        .append(" on its ").append(Runtime.getRuntime().availableProcessors())
                        .append(" cores, so this case measures queueing behind other work as much as the server");
            }
        }
        JsonArray ra = nagare.getJsonArray("roundsP50");
        JsonArray ro = node.getJsonArray("roundsP50");
        if (ra != null && ro != null && ra.size() > 1) {
            b.append("; the median of each round, Nagare ").append(joined(ra)).append(" ms, Node.js ").append(joined(ro))
                    .append(" ms");
        }
        b.append(".\n");
    }

    private static String joined(JsonArray values) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            s.append(i == 0 ? "" : " / ").append(values.getValue(i) == null ? "–" : Report.fmt(values.getDouble(i)));
        }
        return s.toString();
    }

    /** The case of {@code run} with the same transports and rate as {@code like}, or null. */
    private static JsonObject find(JsonObject run, JsonObject like) {
        if (run == null) {
            return null;
        }
        JsonArray cases = run.getJsonArray("cases", new JsonArray());
        for (int i = 0; i < cases.size(); i++) {
            JsonObject c = cases.getJsonObject(i);
            if (c.getString("transports").equals(like.getString("transports"))
                    && c.getDouble("rate").equals(like.getDouble("rate"))) {
                return c;
            }
        }
        return null;
    }

    private static String transports(JsonObject c) {
        return "websocket".equals(c.getString("transports")) ? "WebSocket only" : "polling first (`" + c.getString("transports") + "`)";
    }

    private static String pair(JsonObject c) {
        JsonObject t = c == null ? null : c.getJsonObject("totalMs");
        return t == null ? "not run" : Report.fmt(t.getDouble("p50")) + " / " + Report.fmt(t.getDouble("p99")) + " ms";
    }

    /** "200", or "200 (Nagare: 3 failed)" when set-ups failed (no ack within the client's timeout). */
    private static String count(JsonObject like, JsonObject nagare, JsonObject node) {
        StringBuilder failed = new StringBuilder();
        if (nagare != null && nagare.getInteger("failed", 0) > 0) {
            failed.append("Nagare: ").append(nagare.getInteger("failed")).append(" failed");
        }
        if (node != null && node.getInteger("failed", 0) > 0) {
            failed.append(failed.length() > 0 ? ", " : "").append("Node.js: ").append(node.getInteger("failed")).append(" failed");
        }
        return like.getInteger("count") + (failed.length() > 0 ? " (" + failed + ")" : "");
    }

    private static String seconds(JsonObject c) {
        return c == null || c.getDouble("elapsedMs") == null ? "–" : String.format(Locale.ROOT, "%.1f s", c.getDouble("elapsedMs") / 1000);
    }

    private static String load(JsonObject c) {
        return c == null || c.getDouble("loadAverage") == null ? "–" : Report.fmt(c.getDouble("loadAverage"));
    }

    private static String ratio(JsonObject a, JsonObject b, String key) {
        JsonObject x = a == null ? null : a.getJsonObject("totalMs");
        JsonObject y = b == null ? null : b.getJsonObject("totalMs");
        if (x == null || y == null || y.getDouble(key) <= 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f×", x.getDouble(key) / y.getDouble(key));
    }

    private static void phases(StringBuilder b, JsonObject like, String server, JsonObject c) {
        if (c == null) {
            return;
        }
        JsonObject via = c.getJsonObject("firstEmitVia");
        String overPolling = via == null || "websocket".equals(like.getString("transports")) ? "–"
                : via.getInteger("polling", 0) + " of " + c.getInteger("ok", 0);
        b.append(String.format(Locale.ROOT, "| %s | %s/s | %s | %s | %s | %s | %s | %s | %d of %d | %d |%n", transports(like),
                Report.fmt(like.getDouble("rate")), server, median(c, "handshakeMs"), median(c, "connectMs"),
                median(c, "ackMs"), c.getJsonObject("requestsPerSetUp") == null ? "–"
                        : Report.fmt(c.getJsonObject("requestsPerSetUp").getDouble("p50")),
                overPolling, c.getInteger("upgradedBeforeAck", 0), c.getInteger("ok", 0), c.getInteger("failed", 0)));
    }

    private static String median(JsonObject c, String key) {
        JsonObject s = c.getJsonObject(key);
        return s == null ? "–" : Report.fmt(s.getDouble("p50")) + " ms";
    }

    private static void profile(StringBuilder b, String label, JsonObject run) {
        JsonObject c = null;
        JsonArray cases = run == null ? new JsonArray() : run.getJsonArray("cases", new JsonArray());
        for (int i = 0; i < cases.size() && c == null; i++) {
            JsonObject k = cases.getJsonObject(i);
            if (!"websocket".equals(k.getString("transports")) && k.getDouble("rate") <= 1.0) {
                c = k;
            }
        }
        JsonObject p = c == null ? null : c.getJsonObject("profile");
        if (p == null) {
            return;
        }
        b.append(String.format(Locale.ROOT, "%s (%d of %d set-ups made this sequence; their median set-up %s ms):%n%n",
                label, p.getInteger("setUps"), p.getInteger("of"), Report.fmt(p.getDouble("ackMs"))));
        b.append("| # | Request | Sent | First byte | Server time |\n|---:|---|---:|---:|---:|\n");
        JsonArray steps = p.getJsonArray("steps", new JsonArray());
        for (int i = 0; i < steps.size(); i++) {
            JsonObject s = steps.getJsonObject(i);
            b.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s |%n", i + 1, s.getString("request"),
                    ms(s.getDouble("sentMs")), ms(s.getDouble("firstByteMs")), ms(s.getDouble("serverMs"))));
        }
        b.append('\n');
    }

    private static String ms(Double v) {
        return v == null ? "–" : Report.fmt(v) + " ms";
    }
}
