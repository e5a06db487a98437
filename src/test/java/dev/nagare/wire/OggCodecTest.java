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

    @Test
    void aPageIsFoundWholeInAStreamOnlyOnceAllItsBytesAreThere() {
        byte[] page = OggCodec.page(new byte[300], 960, 7, 3, false); // 27 + 2 lacing + 300
        byte[] two = new byte[page.length * 2];
        System.arraycopy(page, 0, two, 0, page.length);
        System.arraycopy(page, 0, two, page.length, page.length);
        assertThat(OggCodec.pageLength(two, 0, two.length)).isEqualTo(329);
        assertThat(OggCodec.pageLength(two, 329, 329)).isEqualTo(329);
        assertThat(OggCodec.pageLength(two, 0, 328)).isZero();  // the body is one byte short
        assertThat(OggCodec.pageLength(two, 0, 28)).isZero();   // the lacing table is cut
        assertThat(OggCodec.pageLength(two, 0, 4)).isZero();    // not even the version yet
        assertThat(OggCodec.granule(two, 329)).isEqualTo(960);
    }

    @Test
    void bytesThatAreNotAPageAreRefused() {
        byte[] id3 = "ID3\u0003\u0000\u0000\u0000\u0000".getBytes(StandardCharsets.ISO_8859_1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OggCodec.pageLength(id3, 0, id3.length))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not an Ogg page at byte 0");
        byte[] v1 = OggCodec.page(new byte[1], 0, 7, 0, true);
        v1[4] = 1; // stream structure version 1 does not exist (RFC 3533 section 6)
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OggCodec.pageLength(v1, 0, v1.length))
                .hasMessage("not an Ogg page at byte 0");
    }
}
