package dev.nagare.media;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The Netty settings of live media connections (MJPEG viewers, audio listeners), the one place media
 * reaches below Vert.x's public API. A live stream must not sit in buffers: with the kernel's
 * auto-tuned send buffer (here up to 3.9 MB per socket) a paused client would have seconds of stale
 * media queued for it, and a thousand paused clients gigabytes of kernel memory. A fixed small send
 * buffer and a low write-queue mark keep a little in flight; outputs skip what does not fit.
 * If a Vert.x upgrade hides the connection's channel, {@code StreamSocketsTest} fails.
 */
public final class StreamSockets {
    private StreamSockets() {
    }

    /** The request's Netty channel, or null when Vert.x does not expose it. */
    public static Channel channel(HttpServerRequest request) {
        return request.connection() instanceof ConnectionBase conn ? conn.channelHandlerContext().channel() : null;
    }

    /** Caps the kernel send buffer at {@code sendBuffer} bytes and Netty's queue at {@code highMark}. */
    public static void limit(HttpServerRequest request, int sendBuffer, int lowMark, int highMark) {
        Channel channel = channel(request);
        if (channel != null) {
            channel.config().setOption(ChannelOption.SO_SNDBUF, sendBuffer);
            channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(lowMark, highMark));
        }
    }

    /**
     * Closes the connection now, dropping what is queued. A close through the whole pipeline (Vert.x's,
     * or Netty's {@code channel.close()}) waits behind the queued writes, which a peer that stopped
     * reading never takes; closing from the first handler's context skips that. Linger 0 also frees the
     * kernel's send buffer (the peer sees a reset). Falls back to Vert.x's close.
     */
    public static void abort(HttpServerRequest request) {
        Channel channel = channel(request);
        if (channel == null) {
            request.connection().close();
            return;
        }
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.pipeline().firstContext().close();
    }
}
