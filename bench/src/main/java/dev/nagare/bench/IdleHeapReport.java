package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * "Where an idle session's memory goes", under "Idle connections": the live heap's classes that
 * grew per session, from bench/results/idle-heap-nagare.json ({@code scripts/idle-heap}, run by
 * {@code scripts/bench idle}). It is the profile that says what bounds memory per session.
 */
final class IdleHeapReport {
    private IdleHeapReport() {
    }

    static String section(Path results) throws IOException {
        JsonObject r = Report.load(results.resolve("idle-heap-nagare.json"));
        if (r == null) {
            return "";
        }
        long sessions = r.getLong("sessions");
        JsonArray classes = r.getJsonArray("classes", new JsonArray());
        Map<String, Double> byOwner = new LinkedHashMap<>();
        for (String o : new String[] {"Netty", "Vert.x", "Nagare", "JDK", "arrays (any owner)"}) {
            byOwner.put(o, 0.0);
        }
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < classes.size(); i++) {
            JsonObject c = classes.getJsonObject(i);
            String name = c.getString("class");
            double bytes = c.getDouble("bytesPerSession");
            byOwner.merge(owner(name), bytes, Double::sum);
            if (i < 12) {
                rows.append(String.format(Locale.ROOT, "| `%s` | %s | %,.0f | %.2f |%n", name, owner(name), bytes,
                        c.getDouble("instancesPerSession")));
            }
        }
        StringBuilder owners = new StringBuilder();
        byOwner.forEach((o, b) -> owners.append(owners.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %,.0f B", o, b)));
        return String.format(Locale.ROOT, "%n### Where an idle session's memory goes%n%n"
                + "`scripts/idle-heap %d` (%s) opens %,d sessions with the official client over WebSocket and compares"
                + " the live heap's class histogram (`jmap -histo:live` after full collections) before and after:"
                + " **%,d B of live heap** and %,d B of resident memory per session. By the owner of the classes that"
                + " grew (more than 8 B per session): %s; strings, maps and arrays serve all three (headers kept for"
                + " `socket.handshake`, ids, rooms). The resident size per session is above the live heap because the"
                + " collector keeps more heap committed than the live data (here without a pre-touched heap, as in the"
                + " table above), so it moves with the collector's sizing rather than with what a session holds.%n%n"
                + "| Class (largest growth) | Owner | Bytes per session | Instances per session |%n"
                + "|---|---|---:|---:|%n%s", sessions, r.getString("date", "").replaceAll("T.*", ""), sessions,
                r.getLong("heapPerSessionBytes"), r.getLong("rssPerSessionBytes"), owners, rows);
    }

    private static String owner(String cls) {
        if (cls.startsWith("[")) {
            return "arrays (any owner)";
        }
        if (cls.startsWith("io.netty.")) {
            return "Netty";
        }
        if (cls.startsWith("io.vertx.")) {
            return "Vert.x";
        }
        if (cls.startsWith("dev.nagare.")) {
            return "Nagare";
        }
        return "JDK";
    }
}
