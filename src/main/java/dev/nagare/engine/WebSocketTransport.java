package dev.nagare.engine;

import dev.nagare.web.NettyChannels;
import dev.nagare.wire.EngineIoCodec;
import dev.nagare.wire.EnginePacket;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket transport: one frame per packet, text for text packets and binary for binary MESSAGE
 * packets (no type byte in v4). Writable while Netty's outbound buffer is under its high-water mark.
 *
 * <p>Frames are written straight to the Netty channel ({@link NettyChannels} owns the route to it).
 * Without a compression extension, the packet's whole frame (header and payload, framed once per packet, see
 * {@link EnginePacket#webSocketFrame()}) is written below Netty's frame encoder, so a broadcast
 * costs each receiver one duplicate of a direct buffer shared by all of them ({@link SharedFrames}) and
 * no encoding or copy at all; with one, the packet's memoised bytes go through the encoders. Frames are
 * flushed once per event-loop turn rather than once per packet (one task for every connection written
 * in the turn): several packets for one client in the same turn leave in one system call. Under sustained load
 * flushes are further spaced by the write window (see {@link EngineConfig#writeWindowMs()}), so a
 * busy connection costs one system call per window instead of one per packet.
 *
 * <p>Threads: the session calls {@link #send}, {@link #writable} and the closes on the engine's
 * loop. When the socket is served by another event loop ({@code --event-loops}), its writes and its
 * close go through the engine's {@link LoopOutbox} and are done on the socket's own loop, one task
 * per loop and engine turn; so the write-side state below (flush scheduling, framing) is only ever
 * touched on the socket's loop, and {@code closed} only on the engine's.
 */
final class WebSocketTransport implements Transport {
    private final ServerWebSocket ws;
    private final ChannelHandlerContext vertxHandler; // null when no route reaches the channel
    private final Channel channel; // null likewise: then plain Vert.x writes
    private final LoopOutbox outbox; // the engine's, for a socket on another loop
    private final Runnable flushTask;
    private final long windowNanos;
    private final boolean base64; // the client asked for binary as "b"+base64 text frames (b64=1)
    private boolean closed; // engine loop only: the session's view
    // The socket's own event loop only from here on:
    private boolean flushScheduled;
    private long lastFlush; // System.nanoTime()
    private boolean framedChecked;
    private ChannelHandlerContext framedContext; // see framedWrites()
    private volatile boolean framedSeen; // written on the socket's loop once framedWrites() decided, for tests
    boolean inBatch; // written in the current LoopOutbox batch, to be flushed at its end
    private Runnable releaseInbound; // engine loop only: lets through what the socket read before its handlers

    /**
     * @param vertxHandler Vert.x's handler context in the socket's pipeline ({@link NettyChannels#webSocket}),
     *                     whose channel frames are written to; null: plain Vert.x writes, correct but
     *                     slower, which {@code NettyChannelsTest} and {@code WebSocketTransportTest} catch
     * @param outbox       where writes for a socket on another loop than the engine's wait for the end of the turn
     */
    WebSocketTransport(ServerWebSocket ws, ChannelHandlerContext vertxHandler, LoopOutbox outbox, int writeWindowMs,
            boolean base64, Runnable releaseInbound) {
        this.ws = ws;
        this.releaseInbound = releaseInbound;
        this.base64 = base64;
        this.vertxHandler = vertxHandler;
        this.channel = vertxHandler != null ? vertxHandler.channel() : null;
        this.outbox = outbox;
        this.windowNanos = TimeUnit.MILLISECONDS.toNanos(writeWindowMs);
        this.lastFlush = System.nanoTime() - windowNanos;
        this.flushTask = () -> {
            flushScheduled = false;
            if (windowNanos > 0) {
                lastFlush = System.nanoTime();
            }
            // Our frames entered below the encoder: flushing from there skips the handlers above it.
            if (framedContext != null && !base64) {
                framedContext.flush();
            } else {
                channel.flush();
            }
        };
    }

    /** The event loop serving the socket (its channel's); null without a route to the channel. */
    EventExecutor eventLoop() {
        return channel == null ? null : channel.eventLoop();
    }

    /**
     * Whether whole frames are written below the frame encoder, for tests: known once a first send
     * was written (on the socket's loop, at the end of the engine's turn when that is another loop).
     */
    boolean framed() {
        return channel != null && framedSeen;
    }

    /** Whether frames go straight to the Netty channel (the fast path), for tests. */
    boolean direct() {
        return channel != null;
    }

    @Override
    public String name() {
        return "websocket";
    }

    ServerWebSocket socket() {
        return ws;
    }

    /**
     * Lets through, in order, the frames the socket read between the handshake and its handlers
     * ({@link WebSocketInbound#accept}); once, on the engine's loop.
     */
    void releaseInbound() {
        Runnable r = releaseInbound;
        releaseInbound = null;
        if (r != null) {
            r.run();
        }
    }

    /**
     * Calls {@code action} each time the channel becomes writable again. Vert.x's own drain handler
     * only fires for writes that went through Vert.x's queue, and ours go straight to Netty.
     */
    void onWritable(Runnable action) {
        if (channel == null) {
            ws.drainHandler(v -> action.run());
            return;
        }
        channel.pipeline().addBefore(vertxHandler.name(), "nagare-writable", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable()) {
                    action.run();
                }
                ctx.fireChannelWritabilityChanged();
            }
        });
    }

    @Override
    public boolean writable() {
        if (closed) {
            return false;
        }
        // Our frames bypass Vert.x's write queue, so ask Netty's outbound buffer directly.
        return channel != null ? channel.isActive() && channel.isWritable() : !ws.isClosed() && !ws.writeQueueFull();
    }

    /**
     * Writes the packets. The peer may have closed the socket a moment ago (its close frame read
     * but our close handler not yet run): Vert.x then throws, and those packets are simply lost
     * with the connection, like any other in flight; the close handler follows.
     */
    @Override
    public void send(List<EnginePacket> packets) {
        if (closed) {
            return;
        }
        if (channel == null) {
            sendThroughVertx(packets);
            return;
        }
        if (!channel.isActive()) {
            closed = true; // the peer is gone; its close handler follows
            return;
        }
        if (outbox != null && !channel.eventLoop().inEventLoop()) {
            outbox.write(this, packets); // written on the socket's loop at the end of this turn
            return;
        }
        write(packets);
    }

    /** Writes frames and schedules the flush (at the end of this turn, or the write window's). On the socket's loop. */
    void write(List<EnginePacket> packets) {
        if (writeFrames(packets)) {
            flushWhenDue(false);
        }
    }

    /** Writes frames without flushing; false when the peer is gone. On the socket's own event loop. */
    boolean writeFrames(List<EnginePacket> packets) {
        if (!channel.isActive()) {
            return false; // the peer is gone; its close handler tells the session
        }
        ChannelHandlerContext framed = base64 ? null : framedWrites();
        for (EnginePacket p : packets) {
            if (framed != null) {
                // The frame's bytes, made once per packet (and copied to direct memory once per packet and
                // event loop, see SharedFrames), enter the pipeline below the frame encoder.
                framed.write(SharedFrames.frame(p, channel.alloc()), framed.voidPromise());
            } else if (p.isBinary() && !base64) {
                channel.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(p.binary())), channel.voidPromise());
            } else {
                channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(textFrame(p))), channel.voidPromise());
            }
        }
        return true;
    }

    /**
     * Flushes what was written, unless a flush is already scheduled: once the write window (if
     * any) has passed since the last one; {@code now}, when it has, in this call (a loop's batch
     * from the engine, at its end) rather than at the end of the turn (one task for every
     * connection written in the turn, see {@link SharedFrames}). On the socket's own loop.
     */
    void flushWhenDue(boolean now) {
        if (flushScheduled) {
            return;
        }
        long wait = windowNanos == 0 ? 0 : lastFlush + windowNanos - System.nanoTime(); // no clock read without a window
        if (wait <= 0 && now) {
            flushTask.run();
            return;
        }
        flushScheduled = true;
        if (wait <= 0 && channel.eventLoop().inEventLoop()) {
            SharedFrames.flushThisTurn(flushTask, channel.eventLoop()); // idle connection: at the end of this turn
        } else if (wait <= 0) {
            channel.eventLoop().execute(flushTask);
        } else {
            channel.eventLoop().schedule(flushTask, wait, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Where whole frames can be written: the context of Netty's WebSocket frame encoder, when the
     * connection has no extension (permessage-deflate) that must transform each frame first.
     * Decided on the first send, after the handshake has set the pipeline up; null means frames
     * go through the encoders one by one.
     */
    private ChannelHandlerContext framedWrites() {
        if (!framedChecked) {
            framedChecked = true;
            ChannelPipeline pipeline = channel.pipeline();
            ChannelHandlerContext encoder = pipeline.context(WebSocketFrameEncoder.class);
            framedContext = encoder != null && pipeline.get(WebSocketExtensionEncoder.class) == null ? encoder : null;
            framedSeen = framedContext != null;
        }
        return framedContext;
    }

    /** A text frame's content: the packet's own, or "b"+base64 for binary under b64=1. */
    private byte[] textFrame(EnginePacket p) {
        return p.isBinary() ? EngineIoCodec.encodeBase64(p).getBytes(StandardCharsets.US_ASCII) : p.textFrame();
    }

    private void sendThroughVertx(List<EnginePacket> packets) {
        try {
            for (EnginePacket p : packets) {
                if (p.isBinary() && !base64) {
                    ws.writeBinaryMessage(Buffer.buffer(p.binary()));
                } else {
                    ws.writeTextMessage(new String(textFrame(p), StandardCharsets.UTF_8));
                }
            }
        } catch (IllegalStateException e) {
            closed = true;
        }
    }

    @Override
    public void close(EnginePacket packet) {
        close((short) 0, null);
    }

    @Override
    public void close(EnginePacket packet, int code, String reason) {
        close((short) code, reason);
    }

    /**
     * Closes with {@code code} (0: no code) and the reason cut to the 123 bytes a close frame can
     * carry (RFC 6455 §5.5). Engine loop; a socket on another loop closes there, behind the frames
     * queued for it.
     */
    void close(short code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        if (outbox != null && channel != null && !channel.eventLoop().inEventLoop()) {
            outbox.close(this, code, reason);
        } else {
            closeOnLoop(code, reason);
        }
    }

    /** The close itself: on the socket's loop (or any thread without a route to its channel). */
    void closeOnLoop(short code, String reason) {
        if (code == 0) {
            ws.close();
        } else {
            ws.close(code, CloseCodes.reason(reason));
        }
    }

    /** The peer closed the socket. Engine loop. */
    void markClosed() {
        closed = true;
    }
}
