package dev.nagare.media.audio;

import java.time.Duration;

/**
 * Standard encoders on both sides of audio: the MP3 version's bitrate ({@code /audio/NAME.mp3}), and
 * the bounds of an encoder publishing as an Icecast source ({@code /audio/NAME/source}): the most
 * it may send (more is held back by TCP) and how long it may send nothing before it is cut off.
 */
public record EncoderConfig(int mp3Bitrate, int sourceMaxBitrate, Duration sourceIdleTimeout) {
    public static EncoderConfig defaults() {
        return new EncoderConfig(128_000, 512_000, Duration.ofSeconds(10));
    }
}
