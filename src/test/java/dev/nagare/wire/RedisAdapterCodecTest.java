package dev.nagare.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nagare.wire.RedisAdapterCodec.Broadcast;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedisAdapterCodecTest {
    private final RedisAdapterCodec codec = new RedisAdapterCodec(new ObjectMapper());
    private final MsgpackCodec msgpack = codec.msgpack();

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    // io.except("room2").emit("all","x") from uid 7usewX, as adapter 8.3.0 published it (CLUSTER_NOTES 2)
    private static final String EXCEPT_ROOM2 = "93a637757365775883a47479706502a46461746192a3616c6ca178a36e7370a12f"
            + "83a5726f6f6d7390a665786365707491a5726f6f6d32a5666c61677380";

    @Test
    void aBroadcastIsEncodedByteForByteAsNodeWritesIt() {
        Broadcast b = new Broadcast("7usewX", "/", List.of("all", "x"), Set.of(), Set.of("room2"), Map.of());
        assertThat(hex(codec.encodeBroadcast(b))).isEqualTo(EXCEPT_ROOM2);
    }

    @Test
    void nodesBroadcastDecodesToItsParts() throws Exception {
        Broadcast b = codec.decodeBroadcast(hex(EXCEPT_ROOM2));
        assertThat(b.uid()).isEqualTo("7usewX");
        assertThat(b.nsp()).isEqualTo("/");
        assertThat(b.data()).containsExactly("all", "x");
        assertThat(b.rooms()).isEmpty();
        assertThat(b.except()).containsExactly("room2");
        assertThat(b.flags()).isEmpty();
    }

    @Test
    void aMissingNamespaceIsTheMainOneAndTypeFiveIsAnEventToo() throws Exception {
        // ["emitter", {type: 5, data: ["b"]}, {rooms: ["r"]}]: no nsp, no except, no flags
        byte[] bytes = msgpack.encode(List.of("emitter", Map.of("type", 5, "data", List.of("b")), Map.of("rooms", List.of("r"))));
        Broadcast b = codec.decodeBroadcast(bytes);
        assertThat(b.nsp()).isEqualTo("/");
        assertThat(b.rooms()).containsExactly("r");
        assertThat(b.except()).isEmpty();
    }

    @Test
    void aBroadcastThatIsNotAnEventArrayIsRefusedWithItsReason() {
        assertThatThrownBy(() -> codec.decodeBroadcast(msgpack.encode(Map.of("uid", "x"))))
                .isInstanceOf(ProtocolException.class).hasMessage("a broadcast is a msgpack array [uid, packet, opts]");
        assertThatThrownBy(() -> codec.decodeBroadcast(msgpack.encode(List.of("u", Map.of("type", 4, "data", List.of("e")), Map.of()))))
                .isInstanceOf(ProtocolException.class).hasMessage("a broadcast packet must be an EVENT (type 2), got 4");
        assertThatThrownBy(() -> codec.decodeBroadcast(msgpack.encode(List.of("u", Map.of("type", 2, "data", List.of("e")),
                Map.of("rooms", List.of(1))))))
                .isInstanceOf(ProtocolException.class).hasMessage("rooms holds a non-string");
    }

    @Test
    void msgpackWritesTheSmallestIntegerFormsAndStringsNeverAsBin() {
        assertThat(hex(msgpack.encode(List.of(1, 200, 70000, -1, -200, 1_700_000_000_000L))))
                // 96: array of 6; 01; cc c8; ce 00011170; ff; d1 ff38; cf 0000018bcfe56800
                .isEqualTo("9601ccc8ce00011170ffd1ff38cf0000018bcfe56800");
        assertThat(hex(msgpack.encode(3.0))).isEqualTo("03"); // notepack: 3.0 is the JavaScript number 3
        assertThat(hex(msgpack.encode(1.5))).isEqualTo("cb3ff8000000000000");
        assertThat(hex(msgpack.encode("é"))).isEqualTo("a2c3a9");
        assertThat(hex(msgpack.encode(new byte[] {1, 2}))).isEqualTo("c4020102");
    }

    @Test
    void msgpackDecodesEveryShapeASocketIoPacketCanHold() throws Exception {
        // {a: [nil, true, 1.5, bin 0x01, "x"], big: uint64 max}
        Object v = msgpack.decode(hex("82 a161 95 c0 c3 cb3ff8000000000000 c40101 a178 a3626967 cfffffffffffffffff"));
        assertThat(v).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) v;
        List<?> a = (List<?>) m.get("a");
        assertThat(a.get(0)).isNull();
        assertThat(a.get(1)).isEqualTo(true);
        assertThat(a.get(2)).isEqualTo(1.5);
        assertThat((byte[]) a.get(3)).containsExactly(1);
        assertThat(a.get(4)).isEqualTo("x");
        assertThat(m.get("big")).isEqualTo(new BigInteger("18446744073709551615"));
    }

    @Test
    void aDateBecomesTheIsoTextANodeServerWouldSend() throws Exception {
        // timestamp 32: d6 ff + seconds 0 = new Date(0)
        assertThat(msgpack.decode(hex("d6ff00000000"))).isEqualTo("1970-01-01T00:00:00.000Z");
        // timestamp 64: nanoseconds 123000000 << 2 | seconds high bits, seconds 1 -> 1.123 s
        long ts64 = (123_000_000L << 34) | 1;
        assertThat(msgpack.decode(hex("d7ff" + String.format("%016x", ts64)))).isEqualTo("1970-01-01T00:00:01.123Z");
    }

    @Test
    void malformedOrForgedMsgpackIsRefusedWithoutAllocatingWhatItClaims() {
        // dd: array32 claiming 2^31-1 elements, with nothing after it
        assertThatThrownBy(() -> msgpack.decode(hex("dd7fffffff")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("runs past the message");
        // c6: bin32 claiming 1 GB
        assertThatThrownBy(() -> msgpack.decode(hex("c640000000")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("runs past the message");
        assertThatThrownBy(() -> msgpack.decode(hex("a3616263ff")))
                .isInstanceOf(ProtocolException.class).hasMessage("trailing bytes after a msgpack value");
        // 100 nested arrays
        assertThatThrownBy(() -> msgpack.decode(hex("91".repeat(100) + "c0")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("nested deeper than 64");
    }

    @Test
    void requestsAreSniffedJsonOrMsgpackAndMustBeMaps() throws Exception {
        assertThat(codec.decodeMessage("{\"type\":2,\"opts\":{\"rooms\":[\"a\"]},\"rooms\":[\"b\"]}".getBytes()))
                .containsEntry("type", 2);
        assertThat(codec.decodeMessage(msgpack.encode(Map.of("type", 7)))).containsEntry("type", 7);
        assertThatThrownBy(() -> codec.decodeMessage(msgpack.encode(List.of(1))))
                .isInstanceOf(ProtocolException.class).hasMessage("a request or response is a map");
        assertThatThrownBy(() -> codec.decodeMessage("{\"type\":".getBytes()))
                .isInstanceOf(ProtocolException.class).hasMessageStartingWith("bad JSON: ");
    }
}
