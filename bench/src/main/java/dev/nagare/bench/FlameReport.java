package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A flame graph's part of a report section, from the summary {@link Flame} writes: the graph, the
 * frames with the most self time beside self time by package, and Nagare's frames top down.
 */
final class FlameReport {
    private FlameReport() {
    }

    /** {@code svg} and {@code folded} are file names under bench/results; {@code alt} the graph's alt text. */
    static String markdown(JsonObject p, String svg, String folded, String alt) {
        StringBuilder b = new StringBuilder();
        b.append("\n\n![").append(alt).append("](../bench/results/").append(svg).append(")\n\n");
        b.append("[Flame graph (SVG, hover for names)](../bench/results/").append(svg).append(") ·"
                + " [folded stacks](../bench/results/").append(folded).append(") (one line a stack, the format flame-graph"
                + " tools read)\n\n");
        b.append("| Most self time | % | | Self time by package | % |\n|---|---:|---|---|---:|\n");
        JsonArray self = p.getJsonArray("topSelf", new JsonArray());
        JsonArray pkg = p.getJsonArray("selfByPackage", new JsonArray());
        for (int i = 0; i < Math.max(Math.min(12, self.size()), Math.min(10, pkg.size())); i++) {
            b.append("| ").append(i < Math.min(12, self.size()) ? cell(self.getJsonObject(i)) : " | ")
                    .append(" | | ").append(i < Math.min(10, pkg.size()) ? "`" + pkg.getJsonObject(i).getString("name") + "` | "
                            + Report.fmt(pkg.getJsonObject(i).getDouble("pct")) : " | ").append(" |\n");
        }
        b.append("\nTop down (time in a frame and below it), Nagare's frames: ");
        JsonArray total = p.getJsonArray("topTotal", new JsonArray());
        StringBuilder ours = new StringBuilder();
        for (int i = 0; i < total.size(); i++) {
            JsonObject t = total.getJsonObject(i);
            String n = t.getString("name");
            if (n.startsWith("dev.nagare.") && !n.contains("$$Lambda") && !n.contains(".lambda$")) {
                ours.append(ours.length() == 0 ? "" : " · ").append('`').append(shortName(n)).append("` ")
                        .append(Report.fmt(t.getDouble("pct"))).append('%');
            }
        }
        b.append(ours.length() == 0 ? "none in the top frames" : ours).append(".\n\n");
        return b.toString();
    }

    private static String cell(JsonObject o) {
        return "`" + shortName(o.getString("name")) + "` | " + Report.fmt(o.getDouble("pct"));
    }

    /** {@code io.netty.channel.ChannelOutboundBuffer.addFlush} as {@code i.n.c.ChannelOutboundBuffer.addFlush}. */
    static String shortName(String n) {
        String[] parts = n.split("\\.");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            boolean keep = i >= parts.length - 2 || parts[i].isEmpty() || Character.isUpperCase(parts[i].charAt(0));
            b.append(i == 0 ? "" : ".").append(keep ? parts[i] : parts[i].substring(0, 1));
        }
        return b.toString();
    }
}
