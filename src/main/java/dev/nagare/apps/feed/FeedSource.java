package dev.nagare.apps.feed;

import io.vertx.core.Context;
import java.util.function.Consumer;

/** Where a feed's samples come from. Started and stopped on the home context; samples go to {@code sink} there. */
interface FeedSource {
    void start(Context home, Consumer<FeedSample> sink);

    void stop();

    /** A line for the feed list: what the source is doing, or its last problem. */
    default String status() {
        return "running";
    }
}
