package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * The suite's PNG charts, drawn with plain Java2D (headless), so the suite needs nothing but a JDK:
 * one or more series of points on a linear or log-2 x axis and a linear or log-10 y axis, with an
 * optional horizontal limit line. A filled marker is a passing step, a hollow one a failing step, a
 * cross a failed attempt that was run again (marker only, not joined by the line).
 */
final class Plot {
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x7f7f7f), new Color(0xff7f0e), new Color(0x9467bd)
    };
    private static final int W = 1000;
    private static final int H = 580;
    private static final int LEFT = 80;
    private static final int RIGHT = 250;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    enum Mark { PASS, FAIL, RETRIED }

    record Point(double x, double y, Mark mark) {
    }

    /**
     * A line through {@code points} in their order; {@code color} indexes the palette, so a server's
     * p50 and p99 lines share a color.
     */
    record Series(String label, int color, boolean dashed, List<Point> points) {
    }

    /** Axes: {@code logX} is a log-2 axis (client counts), {@code logY} a log-10 axis (latencies). */
    record Axes(String xLabel, boolean logX, String yLabel, boolean logY, String yUnit) {
    }

    private Plot() {
    }

    /**
     * A run's p99 (solid) and p50 (dashed) latency lines, one point per step in the given order:
     * x from {@code xKey}, y from "p99Ms" and "p50Ms", the marker from {@code mark}.
     */
    static List<Series> latencySeries(String name, int color, List<JsonObject> steps, String xKey,
            Function<JsonObject, Mark> mark) {
        List<Point> p99 = new ArrayList<>();
        List<Point> p50 = new ArrayList<>();
        for (JsonObject s : steps) {
            double x = s.getDouble(xKey);
            Mark m = mark.apply(s);
            p99.add(new Point(x, Math.max(0.01, s.getDouble("p99Ms")), m));
            p50.add(new Point(x, Math.max(0.01, s.getDouble("p50Ms")), m));
        }
        return List.of(new Series(name + " p99", color, false, p99), new Series(name + " p50", color, true, p50));
    }

    /** The steps of a result file's "steps" array, as a list. */
    static List<JsonObject> steps(JsonObject run) {
        JsonArray a = run.getJsonArray("steps", new JsonArray());
        List<JsonObject> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(a.getJsonObject(i));
        }
        return out;
    }

    /** The broadcast chart: p99 (solid) and p50 (dashed) latency against offered deliveries/s per server. */
    static void latencyVsRate(Map<String, JsonObject> runs, Map<String, String> labels, Path out, int clients)
            throws IOException {
        List<Series> series = new ArrayList<>();
        int color = 0;
        for (Map.Entry<String, JsonObject> run : runs.entrySet()) {
            List<JsonObject> measured = new ArrayList<>(steps(run.getValue()));
            measured.removeIf(s -> s.getLong("latencySamples", 0L) == 0);
            measured.sort(Comparator.comparingDouble(s -> s.getDouble("targetDeliveriesPerSec")));
            series.addAll(latencySeries(labels.getOrDefault(run.getKey(), run.getKey()), color++, measured,
                    "targetDeliveriesPerSec",
                    s -> s.getBoolean("retried", false) ? Mark.RETRIED : s.getBoolean("pass") ? Mark.PASS : Mark.FAIL));
        }
        chart(String.format(Locale.ROOT, "Broadcast fan-out, %,d clients: latency vs offered deliveries/s", clients),
                new Axes("offered load: target deliveries/s (messages/s x receivers)", false,
                        "publish-to-receive latency (log scale)", true, " ms"),
                series, 50.0, "p99 limit 50 ms", out);
    }

    /** Draws the chart and writes it as a PNG. */
    static void chart(String title, Axes axes, List<Series> series, Double limit, String limitLabel, Path out)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        double minX = Double.MAX_VALUE;
        double maxX = 1;
        double minY = Double.MAX_VALUE;
        double maxY = limit != null ? limit : 0;
        for (Series s : series) {
            for (Point p : s.points) {
                minX = Math.min(minX, p.x);
                maxX = Math.max(maxX, p.x);
                minY = Math.min(minY, p.y);
                maxY = Math.max(maxY, p.y);
            }
        }
        if (minY == Double.MAX_VALUE) {
            minY = 1;
            minX = 1;
        }
        double yLo = axes.logY ? Math.pow(10, Math.floor(Math.log10(Math.max(1e-3, minY)))) : 0;
        double yHi = axes.logY ? Math.max(yLo * 10, niceCeil(maxY * 1.2)) : niceCeil(Math.max(1e-9, maxY) * 1.1);
        double xLo = axes.logX ? Math.pow(2, Math.floor(Math.log(Math.max(1, minX)) / Math.log(2))) : 0;
        double xHi = axes.logX ? Math.max(xLo * 2, Math.pow(2, Math.ceil(Math.log(maxX) / Math.log(2))))
                : niceCeil(maxX * 1.05);
        Scale sx = new Scale(xLo, xHi, axes.logX);
        Scale sy = new Scale(yLo, yHi, axes.logY);

        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        g.setFont(font.deriveFont(Font.BOLD, 16f));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 30);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();

        // Grid and axes.
        Stroke thin = new BasicStroke(1f);
        List<Double> yTicks = new ArrayList<>();
        if (axes.logY) {
            for (double y = yLo; y <= yHi * 1.0001; y *= 10) {
                yTicks.add(y);
                for (int k = 2; k < 10 && y * k < yHi; k++) {
                    int pk = TOP + ph - sy.pix(y * k, ph);
                    g.setColor(new Color(0xf0f0f0));
                    g.drawLine(LEFT, pk, LEFT + pw, pk);
                }
            }
        } else {
            for (int i = 0; i <= 5; i++) {
                yTicks.add(yHi * i / 5);
            }
        }
        for (double y : yTicks) {
            int py = TOP + ph - sy.pix(y, ph);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT, py, LEFT + pw, py);
            g.setColor(Color.BLACK);
            String label = Report.fmt(y) + axes.yUnit;
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), py + 5);
        }
        List<Double> xTicks = new ArrayList<>();
        if (axes.logX) {
            for (double x = xLo; x <= xHi * 1.0001; x *= 2) {
                xTicks.add(x);
            }
        } else {
            for (int i = 0; i <= 5; i++) {
                xTicks.add(xHi * i / 5);
            }
        }
        for (double x : xTicks) {
            int px = LEFT + sx.pix(x, pw);
            g.setColor(new Color(0xdddddd));
            g.drawLine(px, TOP, px, TOP + ph);
            g.setColor(Color.BLACK);
            String label = x >= 1e6 ? String.format(Locale.ROOT, "%.2fM", x / 1e6)
                    : x >= 1e4 ? String.format(Locale.ROOT, "%.0fk", x / 1e3) : Report.fmt(x);
            g.drawString(label, px - fm.stringWidth(label) / 2, TOP + ph + 18);
        }
        g.setColor(Color.BLACK);
        g.setStroke(thin);
        g.drawRect(LEFT, TOP, pw, ph);
        g.drawString(axes.xLabel, LEFT + (pw - fm.stringWidth(axes.xLabel)) / 2, H - 18);
        Graphics2D gr = (Graphics2D) g.create();
        gr.rotate(-Math.PI / 2);
        gr.drawString(axes.yLabel, -(TOP + (ph + fm.stringWidth(axes.yLabel)) / 2), 20);
        gr.dispose();

        if (limit != null) {
            int limitY = TOP + ph - sy.pix(limit, ph);
            g.setColor(new Color(0xd62728));
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            g.drawLine(LEFT, limitY, LEFT + pw, limitY);
            g.drawString(limitLabel, LEFT + pw - fm.stringWidth(limitLabel) - 4, limitY - 5);
        }

        // Series and legend.
        Stroke solid = new BasicStroke(2.2f);
        Stroke dashed = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f);
        int legendY = TOP + 10;
        for (Series s : series) {
            Color c = COLORS[s.color % COLORS.length];
            List<Point> pts = s.points; // joined in the given order
            g.setColor(c);
            g.setStroke(s.dashed ? dashed : solid);
            int lx = -1;
            int ly = -1;
            for (Point p : pts) {
                if (p.mark == Mark.RETRIED) {
                    continue;
                }
                int px = LEFT + sx.pix(p.x, pw);
                int py = TOP + ph - sy.pix(p.y, ph);
                if (lx >= 0) {
                    g.drawLine(lx, ly, px, py);
                }
                lx = px;
                ly = py;
            }
            g.setStroke(thin);
            int r = s.dashed ? 3 : 4;
            for (Point p : pts) {
                int px = LEFT + sx.pix(p.x, pw);
                int py = TOP + ph - sy.pix(p.y, ph);
                switch (p.mark) {
                    case RETRIED -> {
                        g.drawLine(px - r, py - r, px + r, py + r);
                        g.drawLine(px - r, py + r, px + r, py - r);
                    }
                    case PASS -> g.fillOval(px - r, py - r, 2 * r, 2 * r);
                    case FAIL -> {
                        g.setColor(Color.WHITE);
                        g.fillOval(px - r, py - r, 2 * r, 2 * r);
                        g.setColor(c);
                        g.drawOval(px - r, py - r, 2 * r, 2 * r);
                    }
                }
            }
            int x0 = LEFT + pw + 20;
            g.setStroke(s.dashed ? dashed : solid);
            g.drawLine(x0, legendY - 4, x0 + 30, legendY - 4);
            g.setStroke(thin);
            g.setColor(Color.BLACK);
            g.drawString(shorten(s.label, fm, RIGHT - 62), x0 + 38, legendY + 1);
            legendY += 24;
        }
        g.dispose();
        Files.createDirectories(out.toAbsolutePath().getParent());
        ImageIO.write(img, "png", out.toFile());
    }

    /** Maps a value to pixels along an axis of {@code size} pixels. */
    private record Scale(double lo, double hi, boolean log) {
        int pix(double v, int size) {
            double f = log ? (Math.log(Math.max(v, lo)) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo);
            return (int) Math.round(f * size);
        }
    }

    private static String shorten(String s, FontMetrics fm, int width) {
        String t = s;
        while (fm.stringWidth(t) > width && t.length() > 4) {
            t = t.substring(0, t.length() - 2);
        }
        return t.equals(s) ? s : t + "…";
    }

    private static double niceCeil(double v) {
        double mag = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * mag >= v) {
                return m * mag;
            }
        }
        return 10 * mag;
    }
}
