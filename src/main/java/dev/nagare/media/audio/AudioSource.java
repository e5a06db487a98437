package dev.nagare.media.audio;

import java.util.function.Consumer;

/** Produces 16-bit PCM chunks on its own thread while started. */
public interface AudioSource {
    void start(Consumer<byte[]> sink);

    /**
     * As {@link #start(Consumer)}; {@code lowLatency}, asked on the source's thread, says whether
     * someone needs each chunk the moment it exists (a WebSocket listener, another node). While not, a
     * source may hand chunks over a few at a time and wake up less often: HTTP listeners get one-second
     * batches anyway.
     */
    default void start(Consumer<byte[]> sink, java.util.function.BooleanSupplier lowLatency) {
        start(sink);
    }

    void stop();

    PcmFormat format();
}
