package dev.nagare.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link NettyChannels#holdInbound} puts just before Vert.x's handler: WebSocket frames read
 * before the socket's handlers are set wait here (at most {@link #MAX_HELD}), HTTP passes. The
 * channel's event loop only.
 */
final class InboundHold extends ChannelInboundHandlerAdapter {
    /** Frames at most (each within Vert.x's frame size limit); a connection sending more is closed. */
    private static final int MAX_HELD = 64;
    private final List<Object> held = new ArrayList<>();
    private ChannelHandlerContext ctx;
    private boolean released;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (released || msg instanceof HttpObject) {
            ctx.fireChannelRead(msg);
        } else if (held.size() >= MAX_HELD) {
            // Bounded: an upgrading client sends one frame (the probe) before it hears back.
            ReferenceCountUtil.release(msg);
            ctx.close();
        } else {
            held.add(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
    }

    void release() {
        if (released) {
            return;
        }
        released = true;
        if (ctx == null || ctx.isRemoved()) {
            held.forEach(ReferenceCountUtil::release);
            held.clear();
            return;
        }
        boolean any = !held.isEmpty();
        for (Object msg : held) {
            ctx.fireChannelRead(msg);
        }
        held.clear();
        if (any) {
            ctx.fireChannelReadComplete();
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        held.forEach(ReferenceCountUtil::release); // closed before the release
        held.clear();
    }
}
