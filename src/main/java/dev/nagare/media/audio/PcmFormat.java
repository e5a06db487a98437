package dev.nagare.media.audio;

/** 16-bit signed little-endian PCM: the guide's RATE and CHANNELS. */
public record PcmFormat(int sampleRate, int channels) {
    public static PcmFormat defaults() {
        return new PcmFormat(48_000, 1);
    }

    public PcmFormat {
        if (sampleRate < 8_000 || sampleRate > 192_000) {
            throw new IllegalArgumentException("sample rate must be 8000 to 192000");
        }
        if (channels < 1 || channels > 2) {
            throw new IllegalArgumentException("channels must be 1 or 2");
        }
    }

    public int bytesPerSecond() {
        return sampleRate * channels * 2;
    }
}
