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
import javax.imageio.ImageIO;

/** Latency-against-rate plots with plain Java2D (headless), so the suite needs nothing but a JDK. */
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

    private Plot() {
    }

    private record Point(double x, double p50, double p99, boolean pass, boolean superseded) {
    }

    static void latencyVsRate(Map<String, JsonObject> runs, Map<String, String> labels, Path out, int clients)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> names = new ArrayList<>(runs.keySet());
        List<List<Point>> series = new ArrayList<>();
        double maxX = 1;
        double maxY = 100;
        double minY = 1;
        for (String n : names) {
            List<Point> pts = new ArrayList<>();
            JsonArray steps = runs.get(n).getJsonArray("steps", new JsonArray());
            for (int i = 0; i < steps.size(); i++) {
                JsonObject s = steps.getJsonObject(i);
                if (s.getLong("latencySamples", 0L) == 0) {
                    continue;
                }
                Point p = new Point(s.getDouble("targetDeliveriesPerSec"), Math.max(0.01, s.getDouble("p50Ms")),
                        Math.max(0.01, s.getDouble("p99Ms")), s.getBoolean("pass"), s.getBoolean("retried", false));
                pts.add(p);
                maxX = Math.max(maxX, p.x);
                maxY = Math.max(maxY, p.p99);
                minY = Math.min(minY, p.p50);
            }
            pts.sort(Comparator.comparingDouble(Point::x));
            series.add(pts);
        }
        double yLo = Math.pow(10, Math.floor(Math.log10(minY)));
        double yHi = niceCeil(maxY * 1.2);
        double xHi = niceCeil(maxX * 1.05);

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
        g.drawString(String.format(Locale.ROOT, "Broadcast fan-out, %,d clients: latency vs offered deliveries/s", clients),
                LEFT, 30);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();

        // Grid and axes.
        Stroke thin = new BasicStroke(1f);
        for (double y = yLo; y <= yHi * 1.0001; y *= 10) {
            int py = yPix(y, yLo, yHi, ph);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT, py, LEFT + pw, py);
            for (int k = 2; k < 10 && y * k < yHi; k++) {
                int pk = yPix(y * k, yLo, yHi, ph);
                g.setColor(new Color(0xf0f0f0));
                g.drawLine(LEFT, pk, LEFT + pw, pk);
            }
            g.setColor(Color.BLACK);
            String label = Report.fmt(y) + " ms";
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), py + 5);
        }
        int ticks = 5;
        for (int i = 0; i <= ticks; i++) {
            double x = xHi * i / ticks;
            int px = LEFT + (int) Math.round(pw * x / xHi);
            g.setColor(new Color(0xdddddd));
            g.drawLine(px, TOP, px, TOP + ph);
            g.setColor(Color.BLACK);
            String label = x >= 1e6 ? String.format(Locale.ROOT, "%.2fM", x / 1e6) : String.format(Locale.ROOT, "%.0fk", x / 1e3);
            g.drawString(label, px - fm.stringWidth(label) / 2, TOP + ph + 18);
        }
        g.setColor(Color.BLACK);
        g.setStroke(thin);
        g.drawRect(LEFT, TOP, pw, ph);
        String xl = "offered load: target deliveries/s (messages/s x receivers)";
        g.drawString(xl, LEFT + (pw - fm.stringWidth(xl)) / 2, H - 18);
        Graphics2D gr = (Graphics2D) g.create();
        gr.rotate(-Math.PI / 2);
        String yl = "publish-to-receive latency (log scale)";
        gr.drawString(yl, -(TOP + (ph + fm.stringWidth(yl)) / 2), 20);
        gr.dispose();

        // The limit.
        int limitY = yPix(50, yLo, yHi, ph);
        g.setColor(new Color(0xd62728));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        g.drawLine(LEFT, limitY, LEFT + pw, limitY);
        g.drawString("p99 limit 50 ms", LEFT + pw - fm.stringWidth("p99 limit 50 ms") - 4, limitY - 5);

        // Series.
        Stroke solid = new BasicStroke(2.2f);
        Stroke dashed = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f);
        int legendY = TOP + 10;
        for (int si = 0; si < series.size(); si++) {
            Color c = COLORS[si % COLORS.length];
            List<Point> pts = series.get(si);
            for (int pass = 0; pass < 2; pass++) {
                boolean p99 = pass == 0;
                g.setColor(c);
                g.setStroke(p99 ? solid : dashed);
                int lx = -1;
                int ly = -1;
                for (Point p : pts) {
                    if (p.superseded) {
                        continue; // a failed attempt that was retried: marker only
                    }
                    int px = LEFT + (int) Math.round(pw * p.x / xHi);
                    int py = yPix(p99 ? p.p99 : p.p50, yLo, yHi, ph);
                    if (lx >= 0) {
                        g.drawLine(lx, ly, px, py);
                    }
                    lx = px;
                    ly = py;
                }
                g.setStroke(thin);
                for (Point p : pts) {
                    int px = LEFT + (int) Math.round(pw * p.x / xHi);
                    int py = yPix(p99 ? p.p99 : p.p50, yLo, yHi, ph);
                    int r = p99 ? 4 : 3;
                    if (p.superseded) {
                        g.drawLine(px - r, py - r, px + r, py + r);
                        g.drawLine(px - r, py + r, px + r, py - r);
                    } else if (p.pass) {
                        g.fillOval(px - r, py - r, 2 * r, 2 * r);
                    } else {
                        g.setColor(Color.WHITE);
                        g.fillOval(px - r, py - r, 2 * r, 2 * r);
                        g.setColor(c);
                        g.drawOval(px - r, py - r, 2 * r, 2 * r);
                    }
                }
            }
            // Legend.
            int lx = LEFT + pw + 20;
            g.setColor(Color.BLACK);
            g.drawString(shorten(labels.getOrDefault(names.get(si), names.get(si)), fm, RIGHT - 30), lx, legendY);
            g.setColor(c);
            g.setStroke(solid);
            g.drawLine(lx, legendY + 14, lx + 30, legendY + 14);
            g.setStroke(dashed);
            g.drawLine(lx, legendY + 32, lx + 30, legendY + 32);
            g.setStroke(thin);
            g.setColor(Color.BLACK);
            g.drawString("p99", lx + 38, legendY + 19);
            g.drawString("p50", lx + 38, legendY + 37);
            legendY += 62;
        }
        g.dispose();
        Files.createDirectories(out.toAbsolutePath().getParent());
        ImageIO.write(img, "png", out.toFile());
    }

    private static String shorten(String s, FontMetrics fm, int width) {
        String t = s;
        while (fm.stringWidth(t) > width && t.length() > 4) {
            t = t.substring(0, t.length() - 2);
        }
        return t.equals(s) ? s : t + "…";
    }

    private static int yPix(double v, double lo, double hi, int ph) {
        double f = (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
        return TOP + ph - (int) Math.round(f * ph);
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
