package dev.nagare.media.audio;

import java.util.function.Consumer;

/** Produces 16-bit PCM chunks on its own thread while started. */
public interface AudioSource {
    void start(Consumer<byte[]> sink);

    void stop();

    PcmFormat format();
}
