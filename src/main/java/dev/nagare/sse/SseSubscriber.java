package dev.nagare.sse;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One EventSource connection. Its outbound buffer is bounded by the response's write queue: when
 * the client stops reading and the queue fills, the connection is closed rather than buffered without
 * limit; EventSource reconnects by itself with Last-Event-ID and resumes from the channel's history.
 * Event-loop only.
 */
final class SseSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(SseSubscriber.class);
    static final int MAX_QUEUED_BYTES = 256 * 1024;

    private final SseChannel channel;
    private final HttpServerResponse response;
    private final String who;
    private boolean closed;
    private long sent;

    SseSubscriber(SseChannel channel, HttpServerResponse response, String who) {
        this.channel = channel;
        this.response = response;
        this.who = who;
        response.setWriteQueueMaxSize(MAX_QUEUED_BYTES);
    }

    void send(SseChannel.Event e) {
        write(e.encoded());
    }

    void write(byte[] bytes) {
        if (closed) {
            return;
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
