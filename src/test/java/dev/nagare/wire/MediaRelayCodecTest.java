package dev.nagare.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MediaRelayCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aVideoFrameIsTypeSequenceCaptureTimeAndTheJpeg() throws ProtocolException {
        // 'V', sequence 2, captured at 0x0102030405 ms, JPEG start marker ffd8
        String wire = "56" + "0000000000000002" + "0000000102030405" + "ffd8";
        assertThat(HEX.formatHex(MediaRelayCodec.encode(MediaRelayCodec.VIDEO, 2, 0x0102030405L, HEX.parseHex("ffd8"))))
                .isEqualTo(wire);
        MediaRelayCodec.Message m = MediaRelayCodec.decode(HEX.parseHex(wire), 2);
        assertThat(m.type()).isEqualTo(MediaRelayCodec.VIDEO);
        assertThat(m.sequence()).isEqualTo(2);
        assertThat(m.captureMillis()).isEqualTo(0x0102030405L);
        assertThat(HEX.formatHex(m.payload())).isEqualTo("ffd8");
    }

    @Test
    void anAudioChunkCarriesPcm() throws ProtocolException {
        // 'A', sequence 7, captured at 1 ms, two samples 0x0001 and 0xffff (little-endian)
        String wire = "41" + "0000000000000007" + "0000000000000001" + "0100ffff";
        assertThat(HEX.formatHex(MediaRelayCodec.encode(MediaRelayCodec.AUDIO, 7, 1, HEX.parseHex("0100ffff"))))
                .isEqualTo(wire);
        assertThat(HEX.formatHex(MediaRelayCodec.decode(HEX.parseHex(wire), 4).payload())).isEqualTo("0100ffff");
    }

    @Test
    void anEndHasNoPayload() throws ProtocolException {
        // 'E', sequence 9, captured at 0
        String wire = "45" + "0000000000000009" + "0000000000000000";
        assertThat(HEX.formatHex(MediaRelayCodec.end(9, 0))).isEqualTo(wire);
        assertThat(MediaRelayCodec.decode(HEX.parseHex(wire), 0).type()).isEqualTo(MediaRelayCodec.END);
    }

    @Test
    void malformedMessagesAreRefusedWithWhatIsWrong() {
        // 16 bytes: one short of the header
        assertThatThrownBy(() -> MediaRelayCodec.decode(new byte[16], 10))
                .isInstanceOf(ProtocolException.class).hasMessage("relay message of 16 bytes is shorter than its 17-byte header");
        // type 'X'
        assertThatThrownBy(() -> MediaRelayCodec.decode(HEX.parseHex("58" + "00".repeat(16)), 10))
                .hasMessage("unknown relay message type 0x58");
        // 'V' with 3 payload bytes, limit 2
        assertThatThrownBy(() -> MediaRelayCodec.decode(HEX.parseHex("56" + "00".repeat(16) + "ffd8ff"), 2))
                .hasMessage("relay payload of 3 bytes is over the limit of 2");
        // 'E' with one payload byte
        assertThatThrownBy(() -> MediaRelayCodec.decode(HEX.parseHex("45" + "00".repeat(16) + "00"), 10))
                .hasMessage("relay end message with a payload of 1 bytes");
    }
}
