package dev.nagare.media.video;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One MJPEG response. Frames are offered from the source thread; the viewer hops onto its
 * connection's event loop and writes the newest frame only when the socket has room, so a slow
 * viewer skips frames instead of queueing them and never slows anyone else.
 */
final class Viewer {
    private final Rendition rendition;
    private final HttpServerResponse response;
    private final Context context;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final long minIntervalNanos; // from ?fps=, 0 for the source's full rate
    private final long startedAt = System.nanoTime();
    private long lastSent = -1;     // event-loop only
    private long lastSentAt;        // event-loop only
    private volatile long sent;
    private volatile long skipped;
    private volatile long bytes;

    Viewer(Rendition rendition, HttpServerResponse response, Context context, int maxFps) {
        this.rendition = rendition;
        this.response = response;
        this.context = context;
        this.minIntervalNanos = maxFps <= 0 ? 0 : 1_000_000_000L / maxFps;
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
        if (response.writeQueueFull()) {
            return; // the drain handler calls back when there is room: only the newest frame goes then
        }
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
        bytes += f.part().length();
        response.write(f.part());
    }
}
