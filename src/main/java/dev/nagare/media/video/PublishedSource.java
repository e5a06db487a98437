package dev.nagare.media.video;

import java.util.function.Consumer;

/**
 * Frames pushed by a publisher (the browser page /video/publish over a WebSocket). The stream
 * starts and stops it as viewers come and go; frames pushed while nobody watches are dropped.
 */
final class PublishedSource implements VideoSource {
    private final VideoSettings settings;
    private volatile Consumer<Frame> sink;
    private long sequence; // publisher's event loop only

    PublishedSource(VideoSettings settings) {
        this.settings = settings;
    }

    @Override
    public void start(Consumer<Frame> sink) {
        this.sink = sink;
    }

    @Override
    public void stop() {
        this.sink = null;
    }

    @Override
    public VideoSettings settings() {
        return settings;
    }

    /** A JPEG from the publisher; returns false when nobody watches (dropped). */
    boolean push(byte[] jpeg) {
        Consumer<Frame> s = sink;
        long n = sequence++;
        if (s == null) {
            return false;
        }
        s.accept(Frame.of(jpeg, n, System.currentTimeMillis()));
        return true;
    }

    void noSignal() {
        Consumer<Frame> s = sink;
        if (s != null) {
            s.accept(Frame.of(NoSignal.jpeg(settings), sequence++, System.currentTimeMillis()));
        }
    }
}
