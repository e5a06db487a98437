package dev.nagare.media.audio;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * One HTTP audio response. Chunks arrive from the source thread and are written on the
 * connection's event loop; when the socket is full the chunk is skipped (the player jumps ahead),
 * so a slow listener never grows memory or delays others.
 */
final class Listener {
    private final HttpServerResponse response;
    private final Context context;
    volatile long skipped;

    Listener(HttpServerResponse response, Context context) {
        this.response = response;
        this.context = context;
    }

    void offer(Buffer chunk) {
        context.runOnContext(v -> write(chunk));
    }

    void write(Buffer chunk) {
        if (response.closed() || response.ended()) {
            return;
        }
        if (response.writeQueueFull()) {
            skipped++;
            return;
        }
        response.write(chunk);
    }
}
