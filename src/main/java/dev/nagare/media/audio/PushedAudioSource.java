package dev.nagare.media.audio;

import java.util.function.Consumer;

/**
 * A source whose PCM arrives from a connection rather than being read on a thread of its own (a
 * browser's WebSocket, an Icecast encoder): it hands each chunk to the stream only while someone
 * listens, and drops it otherwise.
 */
abstract class PushedAudioSource implements AudioSource {
    private final PcmFormat format;
    private volatile Consumer<byte[]> sink;

    PushedAudioSource(PcmFormat format) {
        this.format = format;
    }

    @Override
    public void start(Consumer<byte[]> sink) {
        this.sink = sink;
    }

    @Override
    public void stop() {
        sink = null;
    }

    @Override
    public PcmFormat format() {
        return format;
    }

    /** One chunk of PCM in {@link #format()}, in order (one thread at a time). */
    void push(byte[] pcm) {
        Consumer<byte[]> s = sink;
        if (s != null) {
            s.accept(pcm);
        }
    }
}
