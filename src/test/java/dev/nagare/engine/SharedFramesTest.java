package dev.nagare.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.wire.EnginePacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The broadcast write path's per-loop sharing: one direct copy per packet, one flush task per turn. */
class SharedFramesTest {
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    @Test
    void everyReceiverOfAPacketGetsAViewOfOneDirectCopyReleasedAfterTheNextPacket() {
        EnginePacket p = EnginePacket.message("shared by every receiver");
        ByteBuf a = SharedFrames.frame(p, alloc);
        ByteBuf b = SharedFrames.frame(p, alloc);

        assertThat(a.isDirect()).isTrue();
        assertThat(a.unwrap()).as("the same memory under both writes").isSameAs(b.unwrap());
        assertThat(ByteBufUtil.getBytes(a)).isEqualTo(p.webSocketFrame());
        assertThat(ByteBufUtil.getBytes(b)).isEqualTo(p.webSocketFrame());
        ByteBuf copy = a.unwrap();
        a.release(); // the two writes complete
        b.release();
        assertThat(copy.refCnt()).as("still kept for the packet's next receiver").isEqualTo(1);

        ByteBuf next = SharedFrames.frame(EnginePacket.message("next"), alloc);
        assertThat(copy.refCnt()).as("freed once the next packet is framed").isZero();
        assertThat(ByteBufUtil.getBytes(next)).isEqualTo(EnginePacket.message("next").webSocketFrame());
        next.release();
    }

    @Test
    void aWriteStillQueuedKeepsItsFrameWhenTheNextPacketReplacesIt() {
        EnginePacket p = EnginePacket.message("queued");
        ByteBuf queued = SharedFrames.frame(p, alloc);
        SharedFrames.frame(EnginePacket.message("later"), alloc).release();

        assertThat(queued.refCnt()).isEqualTo(1);
        assertThat(ByteBufUtil.getBytes(queued)).isEqualTo(p.webSocketFrame());
        queued.release();
        assertThat(queued.unwrap().refCnt()).isZero();
    }

    @Test
    void aLargeFrameIsNotKeptBetweenPackets() {
        EnginePacket big = EnginePacket.message("x".repeat(SharedFrames.MAX_SHARED + 1));
        ByteBuf a = SharedFrames.frame(big, alloc);
        ByteBuf b = SharedFrames.frame(big, alloc);

        assertThat(a.unwrap()).isNull(); // a wrapper of the packet's own array, not a shared copy
        assertThat(ByteBufUtil.getBytes(a)).isEqualTo(big.webSocketFrame());
        assertThat(a.release()).isTrue();
        assertThat(b.release()).isTrue();
    }

    @Test
    void flushesAskedForInOneTurnRunInOneTaskWithThoseTheyLeadTo() throws Exception {
        EventLoop loop = new DefaultEventLoop();
        try {
            List<String> ran = new ArrayList<>();
            CompletableFuture<Integer> pendingAfterTurn = new CompletableFuture<>();
            loop.execute(() -> {
                SharedFrames.flushThisTurn(() -> ran.add("a"), loop);
                SharedFrames.flushThisTurn(() -> {
                    ran.add("b");
                    SharedFrames.flushThisTurn(() -> ran.add("c (asked for by b)"), loop);
                }, loop);
                SharedFrames.flushThisTurn(() -> {
                    throw new IllegalStateException("one connection failed");
                }, loop);
                SharedFrames.flushThisTurn(() -> ran.add("d"), loop);
                ran.add("end of turn");
                loop.execute(() -> pendingAfterTurn.complete(ran.size()));
            });
            assertThat(pendingAfterTurn.get(10, TimeUnit.SECONDS)).isEqualTo(5);
            assertThat(ran).containsExactly("end of turn", "a", "b", "d", "c (asked for by b)");
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
