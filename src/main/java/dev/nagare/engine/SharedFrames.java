package dev.nagare.engine;

import dev.nagare.wire.EnginePacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.List;

/**
 * Per event loop helpers of the WebSocket write path ({@link WebSocketTransport}), each measured in
 * the steady benchmark (issue #21):
 * <ul>
 *   <li>A broadcast's frame in one direct buffer, shared by every receiver's write. Netty's socket
 *       transports (epoll and NIO) write only direct memory: the heap array a packet keeps would
 *       be copied into a newly allocated direct buffer for each receiver, and released after the
 *       write. Here it is copied once per packet and event loop, and each receiver gets a retained
 *       duplicate (its own indices over the same memory, no copy).</li>
 *   <li>One flush task per event-loop turn for every connection written to in it, instead of one
 *       task per connection: a broadcast to a thousand sockets queued a thousand tasks.</li>
 * </ul>
 * Event-loop only: the state is per thread.
 */
final class SharedFrames {
    /** Larger frames are not kept between packets (the entry would hold the memory until the next one). */
    static final int MAX_SHARED = 64 * 1024;

    private static final FastThreadLocal<SharedFrames> LOOP = new FastThreadLocal<>() {
        @Override
        protected SharedFrames initialValue() {
            return new SharedFrames();
        }
    };

    private EnginePacket packet; // the last packet framed on this thread
    private ByteBuf frame;       // its frame, one reference held here until the next packet
    private final List<Runnable> pendingFlushes = new ArrayList<>();
    private final Runnable flushAll = this::flushAll;

    private SharedFrames() {
    }

    /**
     * {@code p}'s whole WebSocket frame as a buffer for one write (the write releases it): a
     * retained duplicate of this thread's direct copy when {@code p} is the packet framed last.
     */
    static ByteBuf frame(EnginePacket p, ByteBufAllocator alloc) {
        byte[] bytes = p.webSocketFrame();
        if (bytes.length > MAX_SHARED) {
            return Unpooled.wrappedBuffer(bytes);
        }
        SharedFrames s = LOOP.get();
        if (s.packet != p) {
            ByteBuf copy = alloc.directBuffer(bytes.length, bytes.length).writeBytes(bytes);
            if (s.frame != null) {
                s.frame.release(); // writes still queued hold their own references
            }
            s.frame = copy;
            s.packet = p;
        }
        return s.frame.retainedDuplicate();
    }

    /**
     * Runs {@code flush} at the end of this event-loop turn, together with every other flush asked
     * for in it: the first one queues the single task that runs them all.
     */
    static void flushThisTurn(Runnable flush, java.util.concurrent.Executor loop) {
        SharedFrames s = LOOP.get();
        if (s.pendingFlushes.isEmpty()) {
            loop.execute(s.flushAll);
        }
        s.pendingFlushes.add(flush);
    }

    private void flushAll() {
        // A flush that leads to another send on this loop appends to the list: it runs in this pass.
        for (int i = 0; i < pendingFlushes.size(); i++) {
            try {
                pendingFlushes.get(i).run();
            } catch (RuntimeException e) {
                // One connection's failure must not keep the others' frames unsent; Netty reports it on its channel.
            }
        }
        pendingFlushes.clear();
    }
}
