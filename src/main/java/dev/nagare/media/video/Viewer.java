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
    private final VideoStream stream;
    private final HttpServerResponse response;
    private final Context context;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private long lastSent = -1;     // event-loop only
    long sent;                      // event-loop only
    long skipped;                   // event-loop only

    Viewer(VideoStream stream, HttpServerResponse response, Context context) {
        this.stream = stream;
        this.response = response;
        this.context = context;
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
        Frame f = stream.latest();
        if (f == null || f.sequence() <= lastSent || response.closed() || response.ended()) {
            return;
        }
        if (response.writeQueueFull()) {
            return; // the drain handler calls back when there is room: only the newest frame goes then
        }
        if (lastSent >= 0) {
            skipped += f.sequence() - lastSent - 1;
        }
        lastSent = f.sequence();
        sent++;
        response.write(f.part());
    }
}
