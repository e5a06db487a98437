package dev.nagare.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EngineIoCodecTest {
    @Test
    void encodesTextPacketsAsTypeDigitThenData() {
        assertThat(EngineIoCodec.encodeText(EnginePacket.message("hello"))).isEqualTo("4hello"); // message
        assertThat(EngineIoCodec.encodeText(EnginePacket.PING)).isEqualTo("2");                  // ping
        assertThat(EngineIoCodec.encodeText(EnginePacket.of(EnginePacketType.PONG, "probe"))).isEqualTo("3probe");
        assertThat(EngineIoCodec.encodeText(EnginePacket.NOOP)).isEqualTo("6");                  // noop
    }

    @Test
    void decodesTextPackets() throws ProtocolException {
        assertThat(EngineIoCodec.decodeText("4hello")).isEqualTo(EnginePacket.message("hello"));
        assertThat(EngineIoCodec.decodeText("2probe")).isEqualTo(EnginePacket.of(EnginePacketType.PING, "probe"));
        assertThat(EngineIoCodec.decodeText("5").type()).isEqualTo(EnginePacketType.UPGRADE);
        assertThat(EngineIoCodec.decodeText("4").text()).isEmpty();                              // empty message
    }

    @Test
    void base64BinaryIsABinaryMessageInAWebSocketTextFrameToo() throws ProtocolException {
        // forceBase64 client over WebSocket: text frame "b" + base64(01 02 03)
        assertThat(EngineIoCodec.decodeText("bAQID").binary()).containsExactly(1, 2, 3);
        // empty binary message
        assertThat(EngineIoCodec.decodeText("b").binary()).isEmpty();
        // and back: the server's text form for a b64=1 client
        assertThat(EngineIoCodec.encodeBase64(EnginePacket.binary(new byte[] {1, 2, 3}))).isEqualTo("bAQID");
        assertThatThrownBy(() -> EngineIoCodec.decodeText("b!!!")).hasMessage("invalid base64 in binary packet");
    }

    @Test
    void payloadJoinsPacketsWithTheRecordSeparatorAndBinaryAsBase64() {
        // "4hello" RS "b" + base64(01 02 03) RS "2"
        assertThat(EngineIoCodec.encodePayload(List.of(EnginePacket.message("hello"),
                EnginePacket.binary(new byte[] {1, 2, 3}), EnginePacket.PING)))
                .isEqualTo("4hello\u001ebAQID\u001e2");
    }

    @Test
    void decodesABatchedPayload() throws ProtocolException {
        // the suite's batch: three messages in one POST body
        List<EnginePacket> packets = EngineIoCodec.decodePayload("4test1\u001e4test2\u001e4test3");
        assertThat(packets).containsExactly(EnginePacket.message("test1"), EnginePacket.message("test2"),
                EnginePacket.message("test3"));
        List<EnginePacket> binary = EngineIoCodec.decodePayload("bAQID");
        assertThat(binary.get(0).binary()).containsExactly(1, 2, 3);
    }

    @Test
    void rejectsMalformedInputWithAPreciseReason() {
        assertThatThrownBy(() -> EngineIoCodec.decodeText("")).hasMessage("empty packet");
        assertThatThrownBy(() -> EngineIoCodec.decodeText("abc")).hasMessage("unknown packet type 'a'");
        assertThatThrownBy(() -> EngineIoCodec.decodeText("9x")).hasMessage("unknown packet type '9'");
        assertThatThrownBy(() -> EngineIoCodec.decodeText("\u0000")).hasMessage("unknown packet type '\\u0000'");
        assertThatThrownBy(() -> EngineIoCodec.decodePayload("4a\u001e\u001e4b")).hasMessage("empty packet");
        assertThatThrownBy(() -> EngineIoCodec.decodePayload("b!!!")).hasMessage("invalid base64 in binary packet");
    }
}
