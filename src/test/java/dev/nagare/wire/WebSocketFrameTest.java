package dev.nagare.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our one-off frames must be byte for byte what Netty's own server-side encoder writes. */
class WebSocketFrameTest {
    /** Payload lengths around each of RFC 6455's three length encodings (7-bit, 16-bit, 64-bit). */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 124, 125, 126, 127, 65_534, 65_535, 65_536, 200_000})
    void textAndBinaryFramesMatchNettysEncoder(int length) {
        char[] chars = new char[Math.max(0, length - 1)];
        Arrays.fill(chars, 'x');
        EnginePacket text = EnginePacket.message(new String(chars)); // "4" + chars: `length` bytes
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (i * 31);
        }
        EnginePacket binary = EnginePacket.binary(data);

        assertThat(text.webSocketFrame()).isEqualTo(netty(new TextWebSocketFrame(
                Unpooled.wrappedBuffer(("4" + new String(chars)).getBytes(StandardCharsets.UTF_8)))));
        assertThat(binary.webSocketFrame()).isEqualTo(netty(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data))));
        assertThat(text.webSocketFrame()).isSameAs(text.webSocketFrame()); // made once
    }

    @ParameterizedTest
    @ValueSource(strings = {"流れ", "😀 emoji", "a\u0000b"})
    void textIsFramedAsItsUtf8Bytes(String s) {
        EnginePacket p = EnginePacket.message(s);
        assertThat(p.webSocketFrame()).isEqualTo(netty(new TextWebSocketFrame("4" + s)));
    }

    private static byte[] netty(Object frame) {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        ch.writeOutbound(frame);
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        ch.finishAndReleaseAll();
        return ByteBufUtil.getBytes(all);
    }
}
