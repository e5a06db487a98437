package dev.nagare.media.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class PcmConverterTest {

    /** {@code seconds} of a sine of {@code hz} at {@code rate}, 16-bit, {@code channels} copies per frame. */
    static byte[] tone(double hz, int rate, int channels, double seconds) {
        int frames = (int) (rate * seconds);
        byte[] out = new byte[frames * channels * 2];
        for (int i = 0; i < frames; i++) {
            short v = (short) Math.round(12000 * Math.sin(2 * Math.PI * hz * i / rate));
            for (int c = 0; c < channels; c++) {
                int k = (i * channels + c) * 2;
                out[k] = (byte) v;
                out[k + 1] = (byte) (v >> 8);
            }
        }
        return out;
    }

    static double zeroCrossingsPerSecond(byte[] mono, int rate) {
        int crossings = 0;
        short prev = 0;
        for (int i = 0; i < mono.length / 2; i++) {
            short s = (short) ((mono[2 * i] & 0xff) | (mono[2 * i + 1] << 8));
            if (prev < 0 && s >= 0) {
                crossings++;
            }
            prev = s;
        }
        return crossings / (mono.length / 2.0 / rate);
    }

    /** Converts in 20 ms chunks, as the stream does. */
    static byte[] inChunks(PcmConverter c, byte[] pcm, int bytesPerChunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < pcm.length; i += bytesPerChunk) {
            byte[] chunk = java.util.Arrays.copyOfRange(pcm, i, Math.min(pcm.length, i + bytesPerChunk));
            out.writeBytes(c.convert(chunk));
        }
        return out.toByteArray();
    }

    @Test
    void downsamplingKeepsTheTonesFrequencyAndTheDuration() {
        byte[] in = tone(440, 48_000, 1, 2);
        for (int rate : new int[] {16_000, 8_000, 44_100, 22_050}) {
            byte[] out = inChunks(new PcmConverter(new PcmFormat(48_000, 1), new PcmFormat(rate, 1)), in, 1920);
            assertThat(out.length / 2).as("samples at %d Hz", rate).isCloseTo(2 * rate, org.assertj.core.data.Offset.offset(2));
            assertThat(zeroCrossingsPerSecond(out, rate)).as("%d Hz", rate).isCloseTo(440, Percentage.withPercentage(1));
        }
    }

    @Test
    void chunksJoinWithoutAClick() {
        byte[] in = tone(440, 48_000, 1, 1);
        byte[] out = inChunks(new PcmConverter(new PcmFormat(48_000, 1), new PcmFormat(16_000, 1)), in, 1920);
        int maxStep = 0;
        for (int i = 1; i < out.length / 2; i++) {
            short a = (short) ((out[2 * i - 2] & 0xff) | (out[2 * i - 1] << 8));
            short b = (short) ((out[2 * i] & 0xff) | (out[2 * i + 1] << 8));
            maxStep = Math.max(maxStep, Math.abs(b - a));
        }
        // A 440 Hz sine of amplitude 12000 at 16 kHz moves at most 12000·2π·440/16000 ≈ 2073 per sample.
        assertThat(maxStep).isLessThan(2200);
    }

    @Test
    void stereoIsDownmixedToTheMeanOfBothChannels() {
        byte[] stereo = {10, 0, 30, 0, -20, -1, -40, -1}; // frames (10, 30) and (-20, -40), little-endian shorts
        byte[] mono = new PcmConverter(new PcmFormat(48_000, 2), new PcmFormat(48_000, 1)).convert(stereo);
        assertThat(mono).containsExactly(20, 0, -30, -1); // 20 and -30
    }

    @Test
    void upsamplingOrUpmixingIsRefused() {
        assertThatThrownBy(() -> new PcmConverter(new PcmFormat(16_000, 1), new PcmFormat(48_000, 1)))
                .hasMessageStartingWith("only lower rates and fewer channels");
        assertThatThrownBy(() -> new PcmConverter(new PcmFormat(48_000, 1), new PcmFormat(48_000, 2)))
                .hasMessageStartingWith("only lower rates and fewer channels");
    }
}
