package dev.nagare.media.audio;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One listener: an HTTP response (WAV or Ogg) or a WebSocket (the low-latency path). Chunks arrive
 * from the source thread and are written on the connection's event loop; when the socket is full the
 * chunk is skipped (the player jumps ahead), so a slow listener never grows memory or delays others.
 */
final class Listener {
    private final Consumer<Buffer> out;
    private final BooleanSupplier full;
    private final BooleanSupplier closed;
    private final Context context;
    volatile long skipped;

    private Listener(Consumer<Buffer> out, BooleanSupplier full, BooleanSupplier closed, Context context) {
        this.out = out;
        this.full = full;
        this.closed = closed;
        this.context = context;
    }

    static Listener of(HttpServerResponse res, Context context) {
        return new Listener(res::write, res::writeQueueFull, () -> res.closed() || res.ended(), context);
    }

    static Listener of(ServerWebSocket ws, Context context) {
        return new Listener(ws::writeBinaryMessage, ws::writeQueueFull, ws::isClosed, context);
    }

    /** Offers {@code chunk} to all of {@code listeners} with one task per event loop, not one per listener. */
    static void offerAll(java.util.Collection<Listener> listeners, Buffer chunk) {
        java.util.Map<Context, java.util.List<Listener>> byLoop = new java.util.HashMap<>();
        for (Listener l : listeners) {
            byLoop.computeIfAbsent(l.context, c -> new java.util.ArrayList<>()).add(l);
        }
        byLoop.forEach((ctx, group) -> ctx.runOnContext(v -> {
            for (Listener l : group) {
                l.write(chunk);
            }
        }));
    }

    void write(Buffer chunk) {
        if (closed.getAsBoolean()) {
            return;
        }
        if (full.getAsBoolean()) {
            skipped++;
            return;
        }
        out.accept(chunk);
    }
}
