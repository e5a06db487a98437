package dev.nagare.media.video;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MJPEG response. Frames are offered from the source thread; the viewer hops onto its
 * connection's event loop and writes the newest frame only when the socket has room, so a slow
 * viewer skips frames instead of queueing them and never slows anyone else: what it holds is at
 * most one frame beyond the kernel's small send buffer. A viewer whose socket has stayed full for
 * {@code stallTimeout} (paused, or a peer that stopped reading without closing) is disconnected,
 * so it does not keep those buffers for ever (issue 15).
 */
final class Viewer {
    private static final Logger LOG = LoggerFactory.getLogger(Viewer.class);

    private final Rendition rendition;
    private final HttpServerResponse response;
    private final Context context;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final long minIntervalNanos; // from ?fps=, 0 for the source's full rate
    private final long startedAt = System.nanoTime();
    private long lastSent = -1;     // event-loop only
    private long lastSentAt;        // event-loop only
    private long fullSince;         // event-loop only: when the socket was first seen full, 0 when it is not
    private boolean writing;        // event-loop only: a frame was written and the kernel has not taken it all
    private final long stallNanos;
    private final String label;
    private final Runnable drop; // closes the connection at once, whatever is still queued for it
    private long watchdog = -1;     // event-loop only: the stall check's timer
    private volatile long sent;
    private volatile long skipped;
    private volatile long bytes;

    /**
     * {@code label} names the viewer in logs (the stream and the client's address); {@code drop} closes its
     * connection without waiting for queued bytes to go (a graceful close would wait on the stalled peer).
     */
    Viewer(Rendition rendition, HttpServerResponse response, Context context, int maxFps, Duration stallTimeout,
            String label, Runnable drop) {
        this.rendition = rendition;
        this.drop = drop;
        this.label = label;
        this.response = response;
        this.context = context;
        this.minIntervalNanos = maxFps <= 0 ? 0 : 1_000_000_000L / maxFps;
        this.stallNanos = stallTimeout.toNanos();
    }

    /** Event loop: starts checking, a few times per timeout, whether the viewer still takes frames. */
    void watch() {
        long period = Math.max(100, Math.min(5_000, stallNanos / 4_000_000));
        watchdog = context.owner().setPeriodic(period, id -> checkStalled());
    }

    /** Event loop: the response is closed; stop checking. */
    void closed() {
        if (watchdog >= 0) {
            context.owner().cancelTimer(watchdog);
            watchdog = -1;
        }
    }

    private void checkStalled() {
        if (response.closed() || response.ended()) {
            closed();
            return;
        }
        if (!blocked()) {
            fullSince = 0;
            return;
        }
        long now = System.nanoTime();
        if (fullSince == 0) {
            fullSince = now;
        } else if (now - fullSince >= stallNanos) {
            LOG.info("MJPEG viewer {} dropped: it took no frame for {} s (sent {}, skipped {})",
                    label, Duration.ofNanos(now - fullSince).toSeconds(), sent, skipped);
            closed();
            drop.run();
        }
    }

    Rendition rendition() {
        return rendition;
    }

    /** Frames per second actually delivered, frames skipped, bytes sent, since the viewer joined. */
    io.vertx.core.json.JsonObject stats() {
        double seconds = Math.max(1e-3, (System.nanoTime() - startedAt) / 1e9);
        return new io.vertx.core.json.JsonObject()
                .put("fps", Math.round(sent / seconds * 10) / 10.0)
                .put("skipped", skipped)
                .put("bytesPerSecond", Math.round(bytes / seconds))
                .put("seconds", Math.round(seconds));
    }

    /** Any thread: a new frame exists. At most one hop is pending at a time. */
    void offer() {
        if (scheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> {
                scheduled.set(false);
                writeLatest();
            });
        }
    }

    /** Event loop: write the newest frame if the socket can take it; the drain handler retries. */
    void writeLatest() {
        Frame f = rendition.latest();
        if (f == null || f.sequence() <= lastSent || response.closed() || response.ended()) {
            return;
        }
        if (blocked()) {
            if (fullSince == 0) {
                fullSince = System.nanoTime();
            }
            return; // the write's completion or the drain handler calls back: only the newest frame goes then
        }
        fullSince = 0;
        long now = System.nanoTime();
        if (minIntervalNanos > 0 && lastSent >= 0 && now - lastSentAt < minIntervalNanos) {
            return; // over this viewer's ?fps=: a later frame will go
        }
        if (lastSent >= 0) {
            skipped += f.sequence() - lastSent - 1;
        }
        lastSent = f.sequence();
        lastSentAt = now;
        sent++;
        rendition.served();
        bytes += f.part().length();
        writing = true;
        response.write(f.part()).onComplete(done -> {
            writing = false;
            writeLatest();
        });
    }

    /**
     * Whether the socket cannot take a frame now: the last one is not in the kernel yet, or Vert.x's
     * queue is full. Vert.x alone let about 20 frames (400 KB) queue for a paused viewer.
     */
    private boolean blocked() {
        return writing || response.writeQueueFull();
    }
}
