package dev.nagare.media.video;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The default source, in pure Java: a moving pattern with the capture time (epoch ms, 48 bits) and
 * the frame number (24 bits) drawn as rows of large black/white blocks that a consumer can decode
 * back from the JPEG ({@link #decode}), plus the same as text for people. Rendering and encoding
 * run on the source's own thread, never on an event loop.
 */
public final class TestPatternSource implements VideoSource {
    /** Block geometry: rows of {@value #BLOCKS} blocks, each {@value #BLOCK} px, starting at (8, 8). */
    static final int BLOCK = 16;
    static final int BLOCKS = 36;
    static final int TIME_BITS = 48;
    static final int FRAME_BITS = 24;

    private final VideoSettings settings;
    private ScheduledExecutorService thread;
    private ScheduledFuture<?> task;
    private long frame;

    public TestPatternSource(VideoSettings settings) {
        this.settings = check(settings);
    }

    /**
     * {@code settings} if the pattern fits them: its rows of blocks and text need at least 592x96.
     *
     * @throws IllegalArgumentException saying the smallest size
     */
    public static VideoSettings check(VideoSettings settings) {
        int minWidth = 8 + BLOCKS * BLOCK + 8;
        int minHeight = 8 + 3 * BLOCK + 40;
        if (settings.width() < minWidth || settings.height() < minHeight) {
            throw new IllegalArgumentException("the test pattern needs at least " + minWidth + "x" + minHeight
                    + ", not " + settings.width() + "x" + settings.height());
        }
        return settings;
    }

    @Override
    public VideoSettings settings() {
        return settings;
    }

    @Override
    public synchronized void start(Consumer<Frame> sink) {
        if (thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nagare-testpattern");
            t.setDaemon(true);
            return t;
        });
        BufferedImage image = new BufferedImage(settings.width(), settings.height(), BufferedImage.TYPE_3BYTE_BGR);
        JpegEncoder jpeg = new JpegEncoder(settings.quality()); // used on the source's thread only
        Font font = new Font(Font.MONOSPACED, Font.BOLD, Math.max(12, settings.height() / 16));
        long periodMicros = 1_000_000L / settings.fps();
        task = thread.scheduleAtFixedRate(() -> {
            long now = System.currentTimeMillis();
            long n = frame++;
            draw(image, font, now, n);
            sink.accept(Frame.of(jpeg.encode(image), n, now));
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    @Override
    public synchronized void stop() {
        if (thread != null) {
            task.cancel(false);
            thread.shutdown();
            thread = null;
        }
    }

    private static void draw(BufferedImage image, Font font, long millis, long n) {
        Graphics2D g = image.createGraphics();
        try {
            int w = image.getWidth();
            int h = image.getHeight();
            g.setColor(new Color(20, 40, 60));
            g.fillRect(0, 0, w, h);
            // A bar sweeping across once a second, so motion is visible.
            int x = (int) ((millis % 1000) * w / 1000);
            g.setColor(new Color(90, 200, 250));
            g.fillRect(x, 8 + 3 * BLOCK + 16, Math.max(8, w / 20), h - (8 + 3 * BLOCK + 16));
            drawBits(g, millis, TIME_BITS, 8);              // rows 0-1
            drawBits(g, n, FRAME_BITS, 8 + 2 * BLOCK);      // row 2
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.setFont(font);
            g.drawString("Nagare test pattern  frame " + n, 16, h / 2);
            g.drawString(java.time.Instant.ofEpochMilli(millis).toString(), 16, h / 2 + h / 12);
        } finally {
            g.dispose();
        }
    }

    private static void drawBits(Graphics2D g, long value, int bits, int y) {
        for (int i = 0; i < bits && i < BLOCKS * 2; i++) {
            int col = i % BLOCKS;
            int row = i / BLOCKS;
            boolean one = ((value >>> (bits - 1 - i)) & 1) == 1;
            g.setColor(one ? Color.WHITE : Color.BLACK);
            g.fillRect(8 + col * BLOCK, y + row * BLOCK, BLOCK, BLOCK);
        }
    }

    /** Reads back {capture millis, frame number} from a decoded test-pattern image. */
    public static long[] decode(BufferedImage image) {
        return new long[] {readBits(image, TIME_BITS, 8), readBits(image, FRAME_BITS, 8 + 2 * BLOCK)};
    }

    private static long readBits(BufferedImage image, int bits, int y) {
        long v = 0;
        for (int i = 0; i < bits; i++) {
            int col = i % BLOCKS;
            int row = i / BLOCKS;
            int rgb = image.getRGB(8 + col * BLOCK + BLOCK / 2, y + row * BLOCK + BLOCK / 2);
            int lum = ((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
            v = (v << 1) | (lum > 3 * 128 ? 1 : 0);
        }
        return v;
    }

    /** One image as a JPEG, for a one-off; a stream of frames keeps a {@link JpegEncoder}. */
    static byte[] encode(BufferedImage image, float quality) {
        JpegEncoder jpeg = new JpegEncoder(quality);
        try {
            return jpeg.encode(image);
        } finally {
            jpeg.close();
        }
    }
}
