package dev.nagare.media.audio;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import dev.nagare.web.NettyChannels;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One listener: an HTTP response (WAV or Ogg) or a WebSocket (the low-latency path). Chunks arrive
 * from the source thread and are written on the connection's event loop; when the socket is full the
 * chunk is skipped (the player jumps ahead), so a slow listener never grows memory or delays others.
 *
 * <p>"Full" is counted here in bytes not yet taken by the kernel, not only by Vert.x's
 * {@code writeQueueFull}: a paused WAV listener had been queued 20 s of audio (about 1.9 MB) before
 * that said full, so a thousand paused listeners would have held gigabytes. An HTTP listener reads
 * that count from its channel (Netty's outbound buffer, unwritable past the write-queue size
 * {@code StreamSockets.limit} sets, as soon as a write passes it); counting each write until its
 * completion, as a WebSocket listener does, cost a callback per listener and batch (issue 21).
 */
final class Listener {
    /** Bytes written to a listener and not yet in its kernel buffer, past which chunks are skipped. */
    static final int MAX_IN_FLIGHT = 64 * 1024;

    private final Function<Buffer, Future<Void>> out;
    private final BooleanSupplier full;
    private final BooleanSupplier closed;
    private final Runnable end;
    private final Context context;
    volatile long skipped;
    private long inFlight; // event-loop only

    private Listener(Function<Buffer, Future<Void>> out, BooleanSupplier full, BooleanSupplier closed, Runnable end,
            Context context) {
        this.out = out;
        this.full = full;
        this.closed = closed;
        this.end = end;
        this.context = context;
    }

    static Listener of(HttpServerResponse res, HttpConnection conn, Context context) {
        io.netty.channel.Channel channel = NettyChannels.channel(conn);
        if (channel == null) { // no route to the channel: count each write until it completes
            return new Listener(res::write, res::writeQueueFull, () -> res.closed() || res.ended(), res::end, context);
        }
        return new Listener(b -> {
            res.write(b);
            return null; // nothing to count: the channel knows what it holds
        }, () -> !channel.isWritable() || res.writeQueueFull(), () -> res.closed() || res.ended(), res::end, context);
    }

    static Listener of(ServerWebSocket ws, Context context) {
        return new Listener(ws::writeBinaryMessage, ws::writeQueueFull, ws::isClosed, ws::close, context);
    }

    /** Any thread: the stream ended; the response ends (or the socket closes) after what is queued. */
    void end() {
        context.runOnContext(v -> {
            if (!closed.getAsBoolean()) {
                end.run();
            }
        });
    }

    /** Any thread: writes {@code first} then {@code burst} on the listener's event loop (before later offers). */
    void start(Buffer first, java.util.List<Buffer> burst) {
        context.runOnContext(v -> {
            write(first);
            burst.forEach(this::write);
        });
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
        if (inFlight >= MAX_IN_FLIGHT || full.getAsBoolean()) {
            skipped++;
            return;
        }
        int bytes = chunk.length();
        Future<Void> written = out.apply(chunk);
        if (written != null) {
            inFlight += bytes;
            written.onComplete(done -> inFlight -= bytes); // on this event loop, once the kernel has it
        }
    }
}
