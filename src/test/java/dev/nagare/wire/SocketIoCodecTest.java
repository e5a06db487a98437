package dev.nagare.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SocketIoCodecTest {
    private final SocketIoCodec codec = new SocketIoCodec(new ObjectMapper(), 10);

    private static List<Object> list(Object... items) {
        return new ArrayList<>(List.of(items));
    }

    @Test
    void encodesEventsWithTheDefaultNamespaceOmitted() {
        assertThat(codec.encode(SocketPacket.event("/", list("foo"), -1)).text()).isEqualTo("2[\"foo\"]");
        assertThat(codec.encode(SocketPacket.event("/bar", list("foo"), -1)).text()).isEqualTo("2/bar,[\"foo\"]");
        // ack id after the namespace
        assertThat(codec.encode(SocketPacket.event("/admin", list("hi", 1), 12)).text())
                .isEqualTo("2/admin,12[\"hi\",1]");
        assertThat(codec.encode(SocketPacket.ack("/", 456, list("x"))).text()).isEqualTo("3456[\"x\"]");
    }

    @Test
    void encodesConnectAndDisconnect() {
        assertThat(codec.encode(new SocketPacket(SocketPacketType.CONNECT, "/", -1, Map.of("sid", "abc"))).text())
                .isEqualTo("0{\"sid\":\"abc\"}");
        assertThat(codec.encode(new SocketPacket(SocketPacketType.DISCONNECT, "/chat", -1, null)).text())
                .isEqualTo("1/chat,");
        assertThat(codec.encode(new SocketPacket(SocketPacketType.CONNECT_ERROR, "/random", -1,
                Map.of("message", "Invalid namespace"))).text()).isEqualTo("4/random,{\"message\":\"Invalid namespace\"}");
    }

    @Test
    void binaryValuesBecomePlaceholdersAndAttachments() {
        byte[] a = {1, 2};
        byte[] b = {3};
        SocketIoCodec.Encoded e = codec.encode(SocketPacket.event("/", list("file", a, Map.of("inner", b)), -1));
        // 51-["file",{"_placeholder":true,"num":0},...]
        assertThat(e.text()).isEqualTo("52-[\"file\",{\"_placeholder\":true,\"num\":0},"
                + "{\"inner\":{\"_placeholder\":true,\"num\":1}}]");
        assertThat(e.attachments()).containsExactly(a, b);
        // a binary ack: 61-12[...]
        assertThat(codec.encode(SocketPacket.ack("/", 12, list(a))).text())
                .isEqualTo("61-12[{\"_placeholder\":true,\"num\":0}]");
    }

    @Test
    void decodesEventsAcksAndConnects() throws ProtocolException {
        SocketPacket p = codec.decode("2/bar,7[\"foo\",{\"a\":1}]").packet();
        assertThat(p.type()).isEqualTo(SocketPacketType.EVENT);
        assertThat(p.namespace()).isEqualTo("/bar");
        assertThat(p.id()).isEqualTo(7);
        assertThat(p.list()).containsExactly("foo", Map.of("a", 1));
        // namespace with no trailing comma (the suite's 40/custom)
        assertThat(codec.decode("0/custom").packet().namespace()).isEqualTo("/custom");
        assertThat(codec.decode("0{\"token\":\"123\"}").packet().data()).isEqualTo(Map.of("token", "123"));
        assertThat(codec.decode("1").packet().type()).isEqualTo(SocketPacketType.DISCONNECT);
        assertThat(codec.decode("3456[]").packet().id()).isEqualTo(456);
    }

    @Test
    void reassemblesBinaryEvents() throws ProtocolException {
        SocketIoCodec.Partial partial = codec.decode("52-[\"m\",{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":0}]");
        assertThat(partial.expected()).isEqualTo(2);
        SocketPacket p = codec.reconstruct(partial, List.of(new byte[] {1}, new byte[] {2}));
        assertThat(p.type()).isEqualTo(SocketPacketType.EVENT);
        assertThat((byte[]) p.list().get(1)).containsExactly(2);
        assertThat((byte[]) p.list().get(2)).containsExactly(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                          | empty packet",
        "abc                         | unknown packet type",
        "4abc                        | invalid payload",                // CONNECT_ERROR from a client with non-JSON
        "2{}                         | invalid payload",                // event data not an array
        "2abc[\"a\"]                 | invalid payload",                // bad ack id
        "2[]                         | invalid payload",                // no event name
        "2[\"connect\"]              | invalid payload",                // reserved event name
        "2[\"a\"                     | invalid payload",                // truncated JSON
        "0[1]                        | invalid payload",                // CONNECT payload not an object
        "1{}                         | invalid payload",                // DISCONNECT with payload
        "3{}                         | invalid payload",                // ACK data not an array
        "5[\"a\"]                    | illegal attachments",            // BINARY_EVENT without count
        "5x-[\"a\"]                  | illegal attachments",
        "511-[\"a\"]                 | too many attachments",
        "21234567890123456[\"a\"]    | ack id too long",
    })
    void rejectsMalformedPacketsWithAPreciseReason(String input, String reason) {
        assertThatThrownBy(() -> codec.decode(input)).isInstanceOf(ProtocolException.class).hasMessage(reason);
    }

    @Test
    void rejectsPlaceholdersThatPointNowhere() throws ProtocolException {
        SocketIoCodec.Partial partial = codec.decode("51-[\"m\",{\"_placeholder\":true,\"num\":5}]");
        assertThatThrownBy(() -> codec.reconstruct(partial, List.of(new byte[] {1})))
                .hasMessage("illegal attachments");
    }

    @Test
    void deeplyNestedJsonIsRejectedNotAStackOverflow() {
        String deep = "2[\"a\"," + "[".repeat(5000) + "]".repeat(5000) + "]";
        assertThatThrownBy(() -> codec.decode(deep)).hasMessage("invalid payload");
    }
}
