package dev.nagare.media.video;

import java.util.function.Consumer;

/** Produces encoded frames on its own thread while started. */
public interface VideoSource {
    /** Starts producing; {@code sink} may be called from any thread. */
    void start(Consumer<Frame> sink);

    void stop();

    VideoSettings settings();
}
