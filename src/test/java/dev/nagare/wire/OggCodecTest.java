package dev.nagare.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class OggCodecTest {
    @Test
    void aPageHasTheCapturePatternFieldsLacingAndAValidCrc() {
        byte[] packet = new byte[300];
        byte[] page = OggCodec.page(packet, 1234, 7, 3, false);
        ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(page, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("OggS");
        assertThat(page[4]).isEqualTo((byte) 0);       // version
        assertThat(page[5]).isEqualTo((byte) 0);       // not the first page
        assertThat(b.getLong(6)).isEqualTo(1234);      // granule position
        assertThat(b.getInt(14)).isEqualTo(7);         // serial
        assertThat(b.getInt(18)).isEqualTo(3);         // page sequence
        assertThat(page[26]).isEqualTo((byte) 2);      // 300 bytes = lacing 255 + 45
        assertThat(page[27] & 0xff).isEqualTo(255);
        assertThat(page[28] & 0xff).isEqualTo(45);
        assertThat(page).hasSize(27 + 2 + 300);
        int stored = b.getInt(22);
        page[22] = page[23] = page[24] = page[25] = 0;
        assertThat(OggCodec.crc(page)).isEqualTo(stored);
        assertThat(OggCodec.page(packet, 0, 7, 0, true)[5]).isEqualTo((byte) 2); // beginning of stream
    }

    @Test
    void theOggCrcMatchesItsKnownCheckValue() {
        // the check value of "123456789" for poly 0x04c11db7, init 0, not reflected, no final xor
        assertThat(Integer.toHexString(OggCodec.crc("123456789".getBytes(StandardCharsets.US_ASCII)))).isEqualTo("89a1897f");
    }

    @Test
    void opusHeadIsNineteenBytesAsRfc7845Defines() {
        // "OpusHead" v1, 1 channel, pre-skip 312, 48000 Hz, gain 0, mapping 0
        assertThat(HexFormat.of().formatHex(OggCodec.opusHead(1, 48_000)))
                .isEqualTo("4f7075734865616401013801" + "80bb0000" + "0000" + "00");
    }
}
