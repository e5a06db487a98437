package dev.nagare.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The WAV header of a live PCM stream. The RIFF and data sizes are unknown for a stream that never
 * ends, so they are 0xFFFFFFFF, which browsers and ffmpeg read as "until the connection ends".
 *
 * <pre>
 * "RIFF" size:u32=FFFFFFFF "WAVE"
 * "fmt " 16:u32 format:u16=1(PCM) channels:u16 rate:u32 byteRate:u32 blockAlign:u16 bits:u16
 * "data" size:u32=FFFFFFFF  then little-endian samples, interleaved
 * </pre>
 */
public final class WavCodec {
    public static final int HEADER_BYTES = 44;

    private WavCodec() {
    }

    public static byte[] streamingHeader(int sampleRate, int channels, int bitsPerSample) {
        int blockAlign = channels * bitsPerSample / 8;
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(0xFFFFFFFF);
        b.put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) channels).putInt(sampleRate).putInt(sampleRate * blockAlign)
                .putShort((short) blockAlign).putShort((short) bitsPerSample);
        b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(0xFFFFFFFF);
        return b.array();
    }
}
