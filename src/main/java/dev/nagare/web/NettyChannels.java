package dev.nagare.web;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The one place Nagare reaches the Netty channel under a Vert.x connection. Everything else stays
 * on Vert.x's public API; {@code NettyChannelsTest} starts a real server and fails, naming the
 * route, if a Vert.x upgrade breaks one of these (instead of Nagare silently taking a slow path).
 *
 * <p>Why Netty at all:
 * <ul>
 *   <li>The broadcast hot path ({@link WebSocketTransport}) writes each packet's frame, made once,
 *       below Netty's frame encoder and flushes once per event-loop turn. Vert.x's public
 *       {@code ServerWebSocket.writeFrame} encodes every frame again for every receiver and flushes
 *       each write.</li>
 *   <li>Live media (MJPEG, audio) fixes a connection's kernel send buffer and aborts a stalled one
 *       with linger 0 from the bottom of the pipeline; Vert.x's options set the send buffer for
 *       every connection of a server, and its close waits behind what is queued.</li>
 * </ul>
 *
 * <p>The routes, as of Vert.x 5.0.7 (module {@code io.vertx.core} exports {@code io.vertx.core.internal.*},
 * its SPI for integrations such as Vert.x Web, to everyone; its {@code impl} packages only to its
 * own tests):
 * <ul>
 *   <li>A WebSocket: {@link WebSocketInternal#channelHandlerContext()} (exported SPI). Vert.x Web
 *       hands a routed WebSocket out wrapped, and its wrapper does not expose the socket it wraps,
 *       so {@link #routed} puts our own {@link HttpServerRequestWrapper} (the SPI's documented
 *       extension point, which Vert.x Web itself extends) under the router: its
 *       {@code toWebSocket} sees Vert.x's socket before the router wraps it and records its
 *       handler context by connection for {@link #webSocket}. No reflection.</li>
 *   <li>A connection that became a WebSocket no longer calls its Vert.x close handler (the upgrade
 *       hands the channel to a new connection object); {@link #whenClosed} follows the channel
 *       recorded at the upgrade.</li>
 *   <li>A plain HTTP connection (media streams): Vert.x 5.0 has no public or SPI route to its
 *       channel, so {@link #sendBuffer} and {@link #abort} use {@code ConnectionBase.channel()},
 *       a public method of the class every Vert.x connection extends, in an {@code impl} package
 *       (fine on the class path, where Nagare runs; not under the module system). Nothing else
 *       here or elsewhere in Nagare touches {@code impl}.</li>
 *   <li>An Icecast source's body ({@link #rawInput}): encoders send it unframed after the request
 *       head (no Content-Length, no chunks), which HTTP/1.1 reads as an empty body. Vert.x hands out
 *       a raw socket only for CONNECT and upgrades, so the HTTP decoder ({@code "httpDecoder"} in
 *       Vert.x's pipeline) is replaced, through the same channel, by a handler that passes bytes on.</li>
 * </ul>
 */
public final class NettyChannels {
    /** Upgraded connections whose channel is open: Vert.x's own WebSocket handler context, by connection. */
    /** The name of Vert.x's HTTP/1.x request decoder in a connection's pipeline (Vert.x 5.0.7). */
    private static final String HTTP_DECODER = "httpDecoder";
    private static final Map<HttpConnection, ChannelHandlerContext> UPGRADED = new ConcurrentHashMap<>();
    /** {@link #whenClosed} actions of connections not yet closed, by connection. */
    private static final Map<HttpConnection, Runnable> ON_CLOSE = new ConcurrentHashMap<>();

    private NettyChannels() {
    }

    /**
     * The server's request handler for {@code router}: each request reaches it through a wrapper
     * that records the channel of a WebSocket it accepts, before Vert.x Web wraps that WebSocket.
     */
    public static Handler<HttpServerRequest> routed(Handler<HttpServerRequest> router) {
        return req -> router.handle(req instanceof HttpServerRequestInternal internal ? new Upgrades(internal) : req);
    }

    /**
     * Vert.x's handler context of the WebSocket {@code ws} accepted from {@code req}, whose channel
     * frames may be written to; null when no route reaches it (a request not served through
     * {@link #routed}, or a Vert.x that changed): then the caller uses Vert.x's own writes.
     */
    public static ChannelHandlerContext webSocket(HttpServerRequest req, ServerWebSocket ws) {
        WebSocketInternal internal = internal(ws);
        if (internal != null) {
            return internal.channelHandlerContext();
        }
        return req == null ? null : UPGRADED.get(req.connection());
    }

    /** Vert.x's own WebSocket, or the handshake future Vert.x 5 may hand out completed with it. */
    private static WebSocketInternal internal(ServerWebSocket ws) {
        if (ws instanceof WebSocketInternal internal) {
            return internal;
        }
        if (ws instanceof Future<?> accepted && accepted.succeeded() && accepted.result() instanceof WebSocketInternal inner) {
            return inner;
        }
        return null;
    }

    /**
     * Runs {@code action} once {@code conn}'s socket closes, whether it stayed HTTP (Vert.x's close
     * handler, which this takes over) or became a WebSocket through {@link #routed} (the channel's
     * close). Once at most.
     */
    public static void whenClosed(HttpConnection conn, Runnable action) {
        ON_CLOSE.put(conn, action);
        conn.closeHandler(v -> closed(conn));
    }

    private static void closed(HttpConnection conn) {
        UPGRADED.remove(conn);
        Runnable action = ON_CLOSE.remove(conn);
        if (action != null) {
            action.run();
        }
    }

    private static void upgraded(HttpConnection conn, WebSocketInternal ws) {
        ChannelHandlerContext ctx = ws.channelHandlerContext();
        UPGRADED.put(conn, ctx);
        ctx.channel().closeFuture().addListener(f -> closed(conn));
    }

    /** The kernel send buffer of {@code conn}'s socket, in bytes; false when no route reaches it. */
    public static boolean sendBuffer(HttpConnection conn, int bytes) {
        Channel channel = channel(conn);
        if (channel == null) {
            return false;
        }
        channel.config().setOption(ChannelOption.SO_SNDBUF, bytes);
        return true;
    }

    /**
     * Closes {@code conn} now, dropping what is queued. A close through the whole pipeline (Vert.x's,
     * or Netty's {@code channel.close()}) waits behind the queued writes, which a peer that stopped
     * reading never takes; closing from the first handler's context skips that. Linger 0 also frees
     * the kernel's send buffer (the peer sees a reset). Falls back to Vert.x's close.
     */
    public static void abort(HttpConnection conn) {
        Channel channel = channel(conn);
        if (channel == null) {
            conn.close();
            return;
        }
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.pipeline().firstContext().close();
    }

    /**
     * The channel of a plain HTTP connection, or null; see the class comment for the route. Public for
     * tests that read a setting back; production code goes through the methods above.
     */
    public static Channel channel(HttpConnection conn) {
        return conn instanceof ConnectionBase base ? base.channel() : null;
    }

    /**
     * From now on, the bytes {@code conn} receives are not parsed as HTTP but handed to {@code data}
     * (on its event loop), as an Icecast source sends its body after the request head. {@code answer},
     * unless null, is written as it is (below Vert.x's HTTP encoder, above TLS): a status line Vert.x
     * would not write, such as HTTP/1.0's open-ended {@code 200 OK} with no length. Vert.x's own
     * responses can still be written. Call it before the client is answered: it sends nothing before.
     * False when no route reaches the decoder (HTTP/2, or a Vert.x that changed).
     */
    public static boolean rawInput(HttpConnection conn, byte[] answer, Consumer<io.vertx.core.buffer.Buffer> data) {
        Channel channel = channel(conn);
        if (channel == null || channel.pipeline().get(HTTP_DECODER) == null) {
            return false;
        }
        channel.pipeline().replace(HTTP_DECODER, "nagare-raw-input", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf buf) {
                    try {
                        byte[] bytes = new byte[buf.readableBytes()];
                        buf.readBytes(bytes);
                        data.accept(io.vertx.core.buffer.Buffer.buffer(bytes));
                    } finally {
                        buf.release();
                    }
                } else {
                    ctx.fireChannelRead(msg);
                }
            }
        });
        channel.config().setAutoRead(true); // a paused request may have left it off
        if (answer != null) {
            channel.pipeline().context("nagare-raw-input").writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(answer));
        }
        return true;
    }

    /** Whether {@code conn}'s socket is read (false: the sender is held back by TCP); for {@link #rawInput}. */
    public static void reading(HttpConnection conn, boolean on) {
        Channel channel = channel(conn);
        if (channel != null) {
            channel.config().setAutoRead(on);
        }
    }

    /** Puts itself under Vert.x Web's request wrapper, to see the WebSocket Vert.x accepts first. */
    private static final class Upgrades extends HttpServerRequestWrapper {
        Upgrades(HttpServerRequestInternal delegate) {
            super(delegate);
        }

        @Override
        public Future<ServerWebSocket> toWebSocket() {
            return delegate.toWebSocket().map(ws -> {
                WebSocketInternal internal = internal(ws);
                if (internal != null) {
                    upgraded(delegate.connection(), internal);
                }
                forgetHandlers(delegate.response());
                return ws;
            });
        }
    }

    /**
     * Drops the handlers on an upgraded request's response. Vert.x 5.0.7 keeps the upgrade request and
     * its response reachable for the WebSocket's whole life (the pipeline's new {@code VertxHandler}
     * keeps the connection factory it was made with, a closure over the handshake, which holds the
     * request), and Vert.x Web put closures over its routing context on that response (end, close,
     * exception, headers-end and body-end handlers), keeping the routing context, its wrappers and
     * what handlers stored in it reachable too: about 1 KB per idle WebSocket (issue #21). None of
     * them can run any more: the handshake answer is written by Netty, and the HTTP connection,
     * whose close would call them, has left the pipeline.
     */
    private static void forgetHandlers(HttpServerResponse response) {
        response.endHandler(null).closeHandler(null).exceptionHandler(null).headersEndHandler(null)
                .bodyEndHandler(null).drainHandler(null);
    }
}
