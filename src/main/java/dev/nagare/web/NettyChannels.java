package dev.nagare.web;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
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
import io.vertx.core.net.impl.VertxHandler;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Function;

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
 *       handler context by connection for {@link #webSocket}. No reflection on this route.</li>
 *   <li>A connection that became a WebSocket no longer calls its Vert.x close handler (the upgrade
 *       hands the channel to a new connection object); {@link #whenClosed} follows the channel
 *       recorded at the upgrade.</li>
 *   <li>An upgraded HTTP connection's object: Vert.x 5.0.7 keeps it, with the upgrade request,
 *       its response and the connection's own outbound queue (some 6 KB of heap per idle
 *       WebSocket, issue #21), for the WebSocket's whole life, only because the pipeline's new
 *       {@code VertxHandler} keeps the connection factory it was made with (a closure over the
 *       handshake and that connection) after using it once. {@link #releaseFactory} clears that
 *       field, by reflection, and does nothing where it cannot; then only memory is lost, and
 *       {@code NettyChannelsTest} fails loudly.</li>
 *   <li>A WebSocket connection's outbound message queue: a 4 KB first chunk per connection, which
 *       {@link #shrinkOutboundQueue} replaces at the upgrade, by reflection, with a linked queue;
 *       likewise a no-op where it cannot, and a failing test. These two are the
 *       only reflective accesses in Nagare.</li>
 *   <li>A plain HTTP connection (media streams): Vert.x 5.0 has no public or SPI route to its
 *       channel, so {@link #sendBuffer} and {@link #abort} use {@code ConnectionBase.channel()},
 *       a public method of the class every Vert.x connection extends, in an {@code impl} package
 *       (fine on the class path, where Nagare runs; not under the module system). Apart from
 *       {@link #releaseFactory} and {@link #shrinkOutboundQueue}, nothing else here or elsewhere in
 *       Nagare touches {@code impl}.</li>
 *   <li>An upgrading connection's inbound frames ({@link #holdInbound}): a handler of ours just
 *       before Vert.x's own ({@code "handler"} in its pipeline) holds the WebSocket frames read
 *       between the 101 and the moment the engine sets the socket's handlers, which Vert.x would
 *       drop; through the same {@code ConnectionBase.channel()} route.</li>
 *   <li>A Buffer written to many connections ({@link #offHeap}): off-heap through Vert.x's
 *       {@code BufferInternal.buffer(ByteBuf)} (exported SPI), so that the native transport does
 *       not copy it once per connection.</li>
 *   <li>An Icecast source's body ({@link #rawInput}): encoders send it unframed after the request
 *       head (no Content-Length, no chunks), which HTTP/1.1 reads as an empty body. Vert.x hands out
 *       a raw socket only for CONNECT and upgrades, so the HTTP decoder ({@code "httpDecoder"} in
 *       Vert.x's pipeline) is replaced, through the same channel, by a handler that passes bytes on.</li>
 * </ul>
 */
public final class NettyChannels {
    /** The name of Vert.x's own handler in a connection's pipeline (Vert.x 5.0.7), HTTP or WebSocket. */
    private static final String VERTX_HANDLER = "handler";
    /** The name of Vert.x's HTTP/1.x request decoder in a connection's pipeline (Vert.x 5.0.7). */
    private static final String HTTP_DECODER = "httpDecoder";
    /**
     * Connections upgraded a moment ago: Vert.x's WebSocket handler context, by the connection, until
     * {@link #webSocket} takes it (at once, for the engine) or the channel closes (a WebSocket no one
     * asked about). Not kept for the socket's life: the upgraded HTTP connection object, which Vert.x
     * itself drops, holds the upgrade request, its response, Vert.x Web's routing context and an
     * outbound queue of its own (about 6 KB of heap per idle session, issue #21).
     */
    private static final Map<HttpConnection, Upgraded> UPGRADED = new ConcurrentHashMap<>();
    /** {@link #whenClosed} watches of connections neither closed nor upgraded, by connection. */
    private static final Map<HttpConnection, Watch> WATCHED = new ConcurrentHashMap<>();

    /** An upgraded connection's handler context, and the close listener that forgets it. */
    private record Upgraded(ChannelHandlerContext ctx, ChannelFutureListener forget) {
    }

    /** What {@link #whenClosed} runs when the connection object is dropped, and on the close. */
    private record Watch(Runnable dropped, Runnable closed) {
    }

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
        Upgraded u = req == null ? null : UPGRADED.remove(req.connection());
        if (u == null) {
            return null;
        }
        u.ctx().channel().closeFuture().removeListener(u.forget());
        return u.ctx();
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
     * Runs {@code closed} once {@code conn}'s socket closes, whether it stayed HTTP (Vert.x's close
     * handler, which this takes over) or became a WebSocket through {@link #routed} (the channel's
     * close); once at most. {@code dropped} runs first, once, when {@code conn} is of no more use:
     * at that close, or earlier when the connection becomes a WebSocket (Vert.x then serves the
     * socket through a new connection object); the caller forgets what it keeps by {@code conn}
     * there. {@code closed} may outlive {@code conn}: it should not refer to it, or it keeps the
     * whole HTTP connection reachable for the WebSocket's life.
     */
    public static void whenClosed(HttpConnection conn, Runnable dropped, Runnable closed) {
        Upgraded u = UPGRADED.get(conn);
        if (u != null) { // upgraded already (and no one took its WebSocket through webSocket())
            dropped.run();
            u.ctx().channel().closeFuture().addListener(f -> closed.run());
            return;
        }
        WATCHED.put(conn, new Watch(dropped, closed));
        conn.closeHandler(v -> closed(conn));
    }

    private static void closed(HttpConnection conn) {
        Watch w = WATCHED.remove(conn);
        if (w != null) {
            w.dropped().run();
            w.closed().run();
        }
    }

    private static void upgraded(HttpConnection conn, WebSocketInternal ws) {
        ChannelHandlerContext ctx = ws.channelHandlerContext();
        releaseFactory(ctx);
        shrinkOutboundQueue(ctx);
        Watch w = WATCHED.remove(conn);
        if (w != null) {
            w.dropped().run();
            Runnable closed = w.closed();
            ctx.channel().closeFuture().addListener(f -> closed.run());
        }
        ChannelFutureListener forget = f -> UPGRADED.remove(conn);
        UPGRADED.put(conn, new Upgraded(ctx, forget));
        ctx.channel().closeFuture().addListener(forget);
    }

    /**
     * Vert.x 5.0.7's {@code VertxHandler.connectionFactory}: read once, when the handler joins the
     * pipeline, and kept after; null where this Vert.x has no such field or it cannot be opened.
     */
    private static final Field CONNECTION_FACTORY = connectionFactoryField();

    private static Field connectionFactoryField() {
        try {
            Field f = Class.forName("io.vertx.core.net.impl.VertxHandler").getDeclaredField("connectionFactory");
            if (f.getType() != Function.class || Modifier.isStatic(f.getModifiers())) {
                return null;
            }
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) { // RuntimeException: InaccessibleObjectException
            return null;
        }
    }

    /**
     * Lets the HTTP connection {@code ctx}'s WebSocket was upgraded from be collected: clears the
     * connection factory its Vert.x handler no longer needs (see the class comment). False when it
     * could not (another Vert.x), for tests; the WebSocket works the same either way.
     */
    static boolean releaseFactory(ChannelHandlerContext ctx) {
        Object handler = ctx.handler();
        if (CONNECTION_FACTORY == null || !CONNECTION_FACTORY.getDeclaringClass().isInstance(handler)) {
            return false;
        }
        try {
            CONNECTION_FACTORY.set(handler, null);
            return true;
        } catch (IllegalAccessException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The queue of Vert.x's outbound messages inside a connection: {@code VertxConnection.outboundMessageQueue}
     * (an {@code OutboundMessageQueue}), its {@code mqp} and that one's {@code queue}; null where this
     * Vert.x differs or they cannot be opened.
     */
    private static final Field[] OUTBOUND_QUEUE = outboundQueueFields();

    private static Field[] outboundQueueFields() {
        try {
            Field outbound = Class.forName("io.vertx.core.net.impl.VertxConnection").getDeclaredField("outboundMessageQueue");
            Field mqp = Class.forName("io.vertx.core.internal.concurrent.OutboundMessageQueue").getDeclaredField("mqp");
            Field queue = Class.forName("io.vertx.core.streams.impl.MessagePassingQueue").getDeclaredField("queue");
            if (queue.getType() != Queue.class) {
                return null;
            }
            for (Field f : new Field[] {outbound, mqp, queue}) {
                if (Modifier.isStatic(f.getModifiers())) {
                    return null;
                }
                f.setAccessible(true);
            }
            return new Field[] {outbound, mqp, queue};
        } catch (ReflectiveOperationException | RuntimeException e) { // RuntimeException: InaccessibleObjectException
            return null;
        }
    }

    /**
     * Gives the WebSocket connection of {@code ctx} a small outbound message queue. Vert.x 5.0.7 makes
     * each connection's queue with Netty's {@code newMpscQueue()}, whose first chunk alone is a 4 KB
     * array: a third of an idle session's heap (issue #21). Nagare's engine writes frames below
     * Vert.x, so that queue carries only the odd control frame (and the writes of media sockets).
     * Called at the upgrade, on the connection's event loop, before anything can have been queued;
     * it changes nothing when the queue is not empty or the route is missing (then {@code
     * NettyChannelsTest} fails, naming it). True when shrunk, for tests.
     */
    static boolean shrinkOutboundQueue(ChannelHandlerContext ctx) {
        Object holder = outboundQueueHolder(ctx);
        if (holder == null || !ctx.channel().eventLoop().inEventLoop()) {
            return false;
        }
        try {
            if (!((Queue<?>) OUTBOUND_QUEUE[2].get(holder)).isEmpty()) {
                return false;
            }
            OUTBOUND_QUEUE[2].set(holder, smallOutboundQueue());
            return true;
        } catch (IllegalAccessException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The replacement: a linked queue (Vert.x's queue only adds and polls, from any thread and on the
     * loop), some 50 bytes empty against Netty's padded array queue's 4.7 KB, unbounded like it; a
     * message costs one small node, which fits a queue that carries the odd control frame.
     */
    static <T> Queue<T> smallOutboundQueue() {
        return new ConcurrentLinkedQueue<>();
    }

    /** The outbound message queue of {@code ctx}'s Vert.x connection, or null; for tests. */
    static Queue<?> outboundQueue(ChannelHandlerContext ctx) {
        Object holder = outboundQueueHolder(ctx);
        try {
            return holder == null ? null : (Queue<?>) OUTBOUND_QUEUE[2].get(holder);
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
    }

    /** The object whose {@code queue} field holds {@code ctx}'s outbound messages, or null. */
    private static Object outboundQueueHolder(ChannelHandlerContext ctx) {
        if (OUTBOUND_QUEUE == null || !(ctx.handler() instanceof VertxHandler<?> handler)) {
            return null;
        }
        try {
            Object outbound = OUTBOUND_QUEUE[0].get(handler.getConnection());
            // A connection that writes directly has no queue.
            return OUTBOUND_QUEUE[1].getDeclaringClass().isInstance(outbound) ? OUTBOUND_QUEUE[1].get(outbound) : null;
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A copy of {@code bytes} in off-heap memory, for a Buffer written as it is to many connections
     * (a second of audio to every listener). The native transport writes only off-heap memory: each
     * write of a heap Buffer (what {@code Buffer.buffer()} makes) is first copied into a direct buffer
     * of its own, per connection; an off-heap one is handed to the kernel from where it is. The memory
     * is the JDK's ({@code ByteBuffer.allocateDirect}), freed by the garbage collector when the last
     * write that holds it is done, so nothing here needs releasing. Through Vert.x's exported SPI
     * ({@code BufferInternal}); {@code NettyChannelsTest} fails if a write would copy it again.
     */
    public static io.vertx.core.buffer.Buffer offHeap(io.vertx.core.buffer.Buffer bytes) {
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(bytes.length());
        ((io.vertx.core.internal.buffer.BufferInternal) bytes).getByteBuf().getBytes(0, direct);
        direct.flip();
        return io.vertx.core.internal.buffer.BufferInternal.buffer(io.netty.buffer.Unpooled.wrappedBuffer(direct));
    }

    /**
     * Holds the WebSocket frames {@code req}'s connection reads from now on, just before Vert.x's
     * handler ({@code "handler"} in its pipeline), until the returned action (any thread, once) lets
     * them through, in order; HTTP passes as before. For an upgrade: Vert.x answers the handshake and
     * only in a later task of the connection's event loop completes {@code toWebSocket()}'s future, so
     * a frame the client sends as soon as it reads the 101 (engine.io's upgrade probe) can be read
     * before anyone could set the socket's handlers or pause it, and Vert.x drops a message that finds
     * no handler. If the connection closes first, what was held is freed. A no-op (and an action that
     * does nothing) when no route reaches the channel.
     */
    public static Runnable holdInbound(HttpServerRequest req) {
        Channel channel = channel(req.connection());
        if (channel == null || channel.pipeline().get(VERTX_HANDLER) == null) {
            return () -> { };
        }
        InboundHold hold = new InboundHold();
        try {
            channel.pipeline().addBefore(VERTX_HANDLER, "nagare-inbound-hold", hold);
        } catch (RuntimeException e) { // closed or changed meanwhile
            return () -> { };
        }
        return () -> channel.eventLoop().execute(hold::release);
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
