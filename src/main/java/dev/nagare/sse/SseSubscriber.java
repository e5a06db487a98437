package dev.nagare.sse;

import io.vertx.core.buffer.Buffer;
import dev.nagare.wire.SseCodec;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One EventSource connection. Its outbound buffer is bounded by the response's write queue (256 KB).
 * A client that resumes with Last-Event-ID first catches up from the channel's history, paced by the
 * socket (each event is read from the history when there is room, so nothing piles up in memory);
 * once it has caught up it gets events as they come, and if it then stops reading and the queue fills,
 * the connection is closed rather than buffered without limit: EventSource reconnects by itself and
 * catches up again. Lost events (evicted from history before this client got them) are announced
 * with an {@code event: gap}, never skipped silently. Event-loop only.
 */
final class SseSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(SseSubscriber.class);
    static final int MAX_QUEUED_BYTES = 256 * 1024;

    private final SseChannel channel;
    private final HttpServerResponse response;
    private final String who;
    private boolean closed;
    private long sent;
    private long cursor; // id of the last event written
    private boolean catchingUp;

    SseSubscriber(SseChannel channel, HttpServerResponse response, String who) {
        this.channel = channel;
        this.response = response;
        this.who = who;
        response.setWriteQueueMaxSize(MAX_QUEUED_BYTES);
    }

    /** Starts after {@code lastId} (an id from Last-Event-ID), catching up from the history first. */
    void resumeAfter(long lastId) {
        cursor = lastId;
        catchingUp = true;
        response.drainHandler(v -> catchUp());
        catchUp();
    }

    /** A live subscriber: only events from now on. */
    void startLive() {
        cursor = channel.lastId();
    }

    void send(SseChannel.Event e) {
        if (catchingUp) {
            catchUp(); // the new event is in the history already
            return;
        }
        write(e.encoded());
        cursor = e.id();
    }

    private void catchUp() {
        long now = System.currentTimeMillis();
        while (catchingUp && !closed && !response.writeQueueFull()) {
            SseChannel.Event next = channel.after(cursor, now);
            if (next == null ? cursor != channel.lastId() : next.id() != cursor + 1) {
                long resumedAt = next == null ? channel.lastId() : next.id();
                response.write(Buffer.buffer(SseCodec.event("gap", null, new JsonObject().put("after", cursor)
                        .put("resumedAt", resumedAt).encode())));
                cursor = next == null ? channel.lastId() : next.id() - 1;
            }
            if (next == null) {
                catchingUp = false; // caught up: from now on, live
                return;
            }
            response.write(Buffer.buffer(next.encoded()));
            sent++;
            cursor = next.id();
        }
    }

    void write(byte[] bytes) {
        if (closed) {
            return;
        }
        if (catchingUp && response.writeQueueFull()) {
            return; // a heartbeat while the socket is busy catching up is not needed
        }
        if (response.writeQueueFull()) {
            LOG.info("SSE client {} on {} is not keeping up ({} KB queued); dropping it, it will resume with"
                    + " Last-Event-ID", who, channel.name(), MAX_QUEUED_BYTES / 1024);
            close();
            return;
        }
        response.write(Buffer.buffer(bytes));
        sent++;
    }

    void close() {
        if (!closed) {
            closed = true;
            channel.remove(this);
            response.reset(); // closes the connection (HTTP/1.1)
        }
    }

    /** The client went away (or we dropped it). */
    void gone() {
        closed = true;
        channel.remove(this);
    }

    long sent() {
        return sent;
    }
}
