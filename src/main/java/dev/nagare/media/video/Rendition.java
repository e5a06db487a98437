package dev.nagare.media.video;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;

/**
 * One size and quality of a stream: the source's own, or a smaller/cheaper re-encoding of it.
 * A re-encoded rendition encodes each source frame once for all its viewers, only while it has
 * viewers, and skips frames when the encoder is still busy (the newest frame wins).
 */
final class Rendition {
    private final int width;
    private final float quality;
    private final boolean source;
    private final Set<Viewer> viewers = new CopyOnWriteArraySet<>();
    private final AtomicReference<Frame> pending = new AtomicReference<>();
    private final AtomicBoolean encoding = new AtomicBoolean();
    private volatile Frame latest;
    private final FrameRate served = new FrameRate(); // frames written to this rendition's viewers, all together
    private JpegEncoder writer; // encoder thread only (drain runs there, one at a time)
    private BufferedImage out;  // encoder thread only: the scaled frame, reused while the size holds

    Rendition(int width, float quality, boolean source) {
        this.width = width;
        this.quality = quality;
        this.source = source;
    }

    int width() {
        return width;
    }

    float quality() {
        return quality;
    }

    Frame latest() {
        return latest;
    }

    Set<Viewer> viewers() {
        return viewers;
    }

    /** A viewer wrote one of this rendition's frames (its event loop). */
    void served() {
        served.mark();
    }

    /** Frames per second each viewer got, on average over the last seconds; 0 without viewers. */
    double servedFps() {
        int n = viewers.size();
        return n == 0 ? 0 : Math.round(served.perSecond() / n * 10) / 10.0;
    }

    /** A new source frame: published as is, or re-encoded on {@code encoder} (latest wins). */
    void onSourceFrame(Frame frame, ExecutorService encoder) {
        if (source) {
            publish(frame);
            return;
        }
        if (viewers.isEmpty()) {
            return;
        }
        pending.set(frame);
        if (encoding.compareAndSet(false, true)) {
            encoder.execute(this::drain);
        }
    }

    private void drain() {
        try {
            for (Frame f; (f = pending.getAndSet(null)) != null; ) {
                publish(Frame.of(scale(f.jpeg()), f.sequence(), f.captureMillis()));
            }
        } finally {
            encoding.set(false);
            if (pending.get() != null && encoding.compareAndSet(false, true)) {
                drain();
            }
        }
    }

    private void publish(Frame frame) {
        latest = frame;
        for (Viewer v : viewers) {
            v.offer();
        }
    }

    private byte[] scale(byte[] jpeg) {
        try {
            BufferedImage in = ImageIO.read(new ByteArrayInputStream(jpeg));
            int height = Math.max(1, Math.round(in.getHeight() * (width / (float) in.getWidth())));
            if (out == null || out.getHeight() != height) {
                out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            }
            if (writer == null) {
                writer = new JpegEncoder(quality);
            }
            Graphics2D g = out.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(in, 0, 0, width, height, null);
            } finally {
                g.dispose();
            }
            return writer.encode(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
