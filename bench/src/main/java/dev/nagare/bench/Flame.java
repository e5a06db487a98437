package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * {@code flame --jfr FILE [--from EPOCH_MS --to EPOCH_MS] [--run RUN.json] --folded OUT --svg OUT --summary OUT.json}:
 * turns a flight recording's CPU samples ({@code jdk.ExecutionSample}: Java threads running Java
 * code; time in the kernel and in the JVM's own threads is not sampled) into folded stacks (one line
 * a stack, root first, frames separated by {@code ;}, then the sample count: the format flame-graph
 * tools read), an SVG flame graph drawn here, and a summary: the frames with the most self time,
 * self time by package, and the frames with the most time below them.
 */
public final class Flame {
    private static final int WIDTH = 1200;
    private static final int ROW = 16;

    private Flame() {
    }

    public static void main(String[] args) throws Exception {
        Opts o = Opts.parse(args, 0);
        long from = o.lng("from", Long.MIN_VALUE);
        long to = o.lng("to", Long.MAX_VALUE);
        Map<String, Long> folded = new TreeMap<>();
        long samples = 0;
        try (RecordingFile f = new RecordingFile(Path.of(o.required("jfr")))) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (!"jdk.ExecutionSample".equals(e.getEventType().getName())) {
                    continue;
                }
                long at = e.getStartTime().toEpochMilli();
                RecordedStackTrace st = e.getStackTrace();
                if (at < from || at > to || st == null) {
                    continue;
                }
                List<RecordedFrame> frames = st.getFrames(); // leaf first
                StringBuilder b = new StringBuilder();
                for (int i = frames.size() - 1; i >= 0; i--) {
                    b.append(name(frames.get(i))).append(i > 0 ? ";" : "");
                }
                folded.merge(b.toString(), 1L, Long::sum);
                samples++;
            }
        }
        StringBuilder lines = new StringBuilder();
        folded.forEach((k, v) -> lines.append(k).append(' ').append(v).append('\n'));
        Files.writeString(Path.of(o.required("folded")), lines);
        Files.writeString(Path.of(o.required("svg")), svg(folded, samples, o.str("title", "CPU samples")));
        JsonObject summary = summary(folded, samples).put("jfr", Path.of(o.required("jfr")).getFileName().toString())
                .put("fromEpochMs", from == Long.MIN_VALUE ? null : from).put("toEpochMs", to == Long.MAX_VALUE ? null : to)
                .put("madeAt", Instant.now().toString());
        if (o.has("run")) { // the profiled run's own figures (its CPU split includes what JFR cannot see)
            summary.put("run", new JsonObject(Files.readString(Path.of(o.str("run", "")))));
        }
        Files.writeString(Path.of(o.required("summary")), summary.encodePrettily() + "\n");
        System.out.printf(Locale.ROOT, "flame: %d samples, %d distinct stacks%n", samples, folded.size());
    }

    /** {@code package.Type.method}; a lambda's class loses its per-run address ({@code Type$$Lambda$652+0x...}). */
    private static String name(RecordedFrame f) {
        String type = f.getMethod().getType().getName().replaceFirst("\\$\\$Lambda\\$.*", "\\$\\$Lambda");
        return type + "." + f.getMethod().getName();
    }

    private static String pkg(String frame) {
        String type = frame.substring(0, frame.lastIndexOf('.'));
        int dot = type.lastIndexOf('.');
        return dot < 0 ? "(default)" : type.substring(0, dot);
    }

    static JsonObject summary(Map<String, Long> folded, long samples) {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> selfPkg = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        folded.forEach((stack, n) -> {
            String[] frames = stack.split(";");
            String leaf = frames[frames.length - 1];
            self.merge(leaf, n, Long::sum);
            selfPkg.merge(pkg(leaf), n, Long::sum);
            for (String fr : new java.util.HashSet<>(List.of(frames))) { // a recursive frame counts once
                total.merge(fr, n, Long::sum);
            }
        });
        return new JsonObject().put("samples", samples).put("topSelf", top(self, samples, 15))
                .put("selfByPackage", top(selfPkg, samples, 12)).put("topTotal", top(total, samples, 25));
    }

    private static JsonArray top(Map<String, Long> m, long samples, int n) {
        JsonArray a = new JsonArray();
        m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .forEach(e -> a.add(new JsonObject().put("name", e.getKey()).put("samples", e.getValue())
                        .put("pct", Math.round(e.getValue() * 1000.0 / Math.max(1, samples)) / 10.0)));
        return a;
    }

    /** A node of the call tree: its samples (itself and below) and its callees by name. */
    private static final class Node {
        long samples;
        final Map<String, Node> children = new LinkedHashMap<>();
    }

    static String svg(Map<String, Long> folded, long samples, String title) {
        Node root = new Node();
        int depth = 0;
        for (Map.Entry<String, Long> e : folded.entrySet()) {
            Node n = root;
            n.samples += e.getValue();
            String[] frames = e.getKey().split(";");
            depth = Math.max(depth, frames.length);
            for (String fr : frames) {
                n = n.children.computeIfAbsent(fr, k -> new Node());
                n.samples += e.getValue();
            }
        }
        int height = (depth + 3) * ROW;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"monospace\" font-size=\"11\">%n", WIDTH, height));
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"#fdfdf6\"/>\n");
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"14\" text-anchor=\"middle\" font-size=\"13\">%s (%,d samples;"
                + " hover a frame for its name and share)</text>%n", WIDTH / 2, esc(title), samples));
        draw(b, root, "all", 0, WIDTH, height - ROW, samples);
        return b.append("</svg>\n").toString();
    }

    /** Draws {@code n} at {@code x} (width {@code w}) with its bottom at {@code y}, then its callees above it. */
    private static void draw(StringBuilder b, Node n, String name, double x, double w, int y, long samples) {
        if (w < 0.3) {
            return;
        }
        b.append(String.format(Locale.ROOT, "<g><title>%s (%,d samples, %.1f%%)</title><rect x=\"%.1f\" y=\"%d\" "
                        + "width=\"%.1f\" height=\"%d\" fill=\"%s\" stroke=\"#fdfdf6\" stroke-width=\"0.5\"/>",
                esc(name), n.samples, n.samples * 100.0 / Math.max(1, samples), x, y - ROW, w, ROW - 1, colour(name)));
        int chars = (int) (w / 7);
        if (chars >= 4) {
            String label = name.length() > chars ? name.substring(0, chars - 2) + ".." : name;
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>", x + 3, y - 4, esc(label)));
        }
        b.append("</g>\n");
        double cx = x;
        List<Map.Entry<String, Node>> kids = new ArrayList<>(n.children.entrySet());
        kids.sort(Comparator.comparing(Map.Entry::getKey));
        for (Map.Entry<String, Node> k : kids) {
            double kw = w * k.getValue().samples / n.samples;
            draw(b, k.getValue(), k.getKey(), cx, kw, y - ROW, samples);
            cx += kw;
        }
    }

    /** Ours blue, Netty orange, Vert.x green, the JDK red, anything else grey. */
    private static String colour(String name) {
        int shade = Math.floorMod(name.hashCode(), 40);
        if (name.startsWith("dev.nagare.")) {
            return "rgb(" + (90 + shade) + "," + (150 + shade) + ",230)";
        } else if (name.startsWith("io.netty.")) {
            return "rgb(240," + (150 + shade) + ",60)";
        } else if (name.startsWith("io.vertx.")) {
            return "rgb(" + (110 + shade) + ",200,110)";
        } else if (name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.")) {
            return "rgb(230," + (90 + shade) + "," + (80 + shade) + ")";
        }
        return "rgb(" + (170 + shade) + "," + (170 + shade) + "," + (170 + shade) + ")";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
