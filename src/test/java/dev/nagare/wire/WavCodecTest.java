package dev.nagare.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class WavCodecTest {
    @Test
    void theStreamingHeaderHasOpenEndedSizes() {
        // RIFF ffffffff WAVE, fmt 16 PCM mono 48000 Hz 96000 B/s align 2 16 bit, data ffffffff
        assertThat(HexFormat.of().formatHex(WavCodec.streamingHeader(48_000, 1, 16))).isEqualTo(
                "52494646" + "ffffffff" + "57415645"
                        + "666d7420" + "10000000" + "0100" + "0100" + "80bb0000" + "00770100" + "0200" + "1000"
                        + "64617461" + "ffffffff");
    }
}
