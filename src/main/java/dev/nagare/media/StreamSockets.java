package dev.nagare.media;

import dev.nagare.web.NettyChannels;
import io.vertx.core.http.HttpServerRequest;

/**
 * The buffers of live media connections (MJPEG viewers, audio listeners). A live stream must not
 * sit in buffers: with the kernel's auto-tuned send buffer (here up to 3.9 MB per socket) a paused
 * client would have seconds of stale media queued for it, and a thousand paused clients gigabytes
 * of kernel memory. A fixed small send buffer and a small write queue keep a little in flight;
 * outputs skip what does not fit. The send buffer and the abort need the Netty channel, which
 * {@link NettyChannels} owns; {@code StreamSocketsTest} fails if an upgrade hides it.
 */
public final class StreamSockets {
    private StreamSockets() {
    }

    /**
     * Caps the kernel send buffer at {@code sendBuffer} bytes and the write queue at {@code writeQueue}
     * (Vert.x's public write-queue size: writable again below half of it).
     */
    public static void limit(HttpServerRequest request, int sendBuffer, int writeQueue) {
        request.response().setWriteQueueMaxSize(writeQueue);
        NettyChannels.sendBuffer(request.connection(), sendBuffer);
    }

    /** Closes the connection now, dropping what is queued (see {@link NettyChannels#abort}). */
    public static void abort(HttpServerRequest request) {
        NettyChannels.abort(request.connection());
    }
}
