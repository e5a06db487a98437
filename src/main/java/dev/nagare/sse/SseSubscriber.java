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
 * with an {@code event: gap}, never skipped silently.
 *
 * <p>A stream on a channel nobody has published to yet waits with no channel ({@link SseChannels}
 * keeps it outside the channel table) until the first publish creates the channel. Home context only:
 * the response's own callbacks, on the loop serving its connection, hop there.
 */
final class SseSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(SseSubscriber.class);
    static final int MAX_QUEUED_BYTES = 256 * 1024;

    private final SseChannels registry;
    private final String name;
    private final HttpServerResponse response;
    private final String who;
    private final String owner;
    private final Long resumeFrom;
    private SseChannel channel; // null while waiting for the channel to exist
    private boolean closed;
    private long sent;
    private long cursor; // id of the last event written
    private boolean catchingUp;

    /** {@code owner} is whom waiting streams are counted against; {@code resumeFrom} the Last-Event-ID, or null. */
    SseSubscriber(SseChannels registry, String name, HttpServerResponse response, String who, String owner,
            Long resumeFrom) {
        this.registry = registry;
        this.name = name;
        this.response = response;
        this.who = who;
        this.owner = owner;
        this.resumeFrom = resumeFrom;
        response.setWriteQueueMaxSize(MAX_QUEUED_BYTES);
    }

    String name() {
        return name;
    }

    String owner() {
        return owner;
    }

    SseChannel channel() {
        return channel;
    }

    boolean closed() {
        return closed;
    }

    /** Follows {@code c} from now on, first catching up after the Last-Event-ID if there was one. */
    void attach(SseChannel c) {
        channel = c;
        if (resumeFrom != null) {
            cursor = resumeFrom;
            catchingUp = true;
            response.drainHandler(v -> registry.onHome(this::catchUp)); // called on the connection's loop
            catchUp();
        } else {
            cursor = c.lastId();
        }
    }

    void send(SseChannel.Event e) {
        if (catchingUp) {
            catchUp(); // the new event is in the history already
            return;
        }
        if (e.id() <= cursor) {
            return; // clustered: the client came from a node further ahead and has this one
        }
        if (e.prev() != cursor) {
            gap(e.id()); // clustered: the stream was cut (on one node prev is always the cursor here)
        }
        write(e.encoded());
        cursor = e.id();
    }

    private void catchUp() {
        long now = System.currentTimeMillis();
        while (catchingUp && !closed && !response.writeQueueFull()) {
            SseChannel.Event next = channel.after(cursor, now);
            if (next == null && ahead(now)) {
                catchingUp = false; // live from here; what this node reads up to the cursor is skipped
                return;
            }
            if (next == null ? cursor != channel.lastId() : next.prev() != cursor) {
                gap(next == null ? channel.lastId() : next.id());
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

    private void gap(long resumedAt) {
        response.write(Buffer.buffer(SseCodec.event("gap", null, new JsonObject().put("after", cursor)
                .put("resumedAt", resumedAt).encode())));
    }

    /**
     * Clustered, a client may resume on this node with the id of an event another node delivered and
     * this one has not read from the stream yet: it waits for it rather than be told of a gap (and get
     * the event twice). Only for ids dated at most a minute ahead of the clock (cluster ids are
     * ms × 10^6 + sequence), so that a made-up id cannot hold a stream silent for long.
     */
    private boolean ahead(long nowMillis) {
        return channel.clustered() && cursor > channel.lastId() && cursor / SseBus.ID_SCALE <= nowMillis + 60_000;
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
                    + " Last-Event-ID", who, name, MAX_QUEUED_BYTES / 1024);
            close();
            return;
        }
        response.write(Buffer.buffer(bytes));
        sent++;
    }

    /** Drops a client that does not keep up: the connection is reset (HTTP/1.1). */
    void close() {
        if (!closed) {
            closed = true;
            registry.leave(this);
            response.reset();
        }
    }

    /** The channel went away (its feed was removed): the stream ends cleanly. */
    void end() {
        if (!closed) {
            closed = true;
            response.end();
        }
    }

    /** The client went away (or we dropped it). */
    void gone() {
        closed = true;
        registry.leave(this);
    }

    long sent() {
        return sent;
    }
}
