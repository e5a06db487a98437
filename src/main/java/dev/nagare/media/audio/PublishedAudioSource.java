package dev.nagare.media.audio;

import java.util.function.Consumer;

/**
 * Audio a browser sends over a WebSocket (the /audio/publish page): 16-bit mono PCM at 48 kHz, as
 * its AudioWorklet captures it. Frames go to the stream only while someone listens.
 */
final class PublishedAudioSource implements AudioSource {
    static final PcmFormat FORMAT = new PcmFormat(48_000, 1);
    private volatile Consumer<byte[]> sink;

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
        return FORMAT;
    }

    /** One frame from the publisher's connection (its event loop: one thread, in order). */
    void push(byte[] pcm) {
        Consumer<byte[]> s = sink;
        if (s != null) {
            s.accept(pcm);
        }
    }
}
