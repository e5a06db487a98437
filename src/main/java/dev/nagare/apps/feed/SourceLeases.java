package dev.nagare.apps.feed;

import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * Which node runs a feed's source (a simulator, a poller). On one node, always this one. In a
 * cluster every node would otherwise run its own copy, and since samples cross nodes, every chart
 * would interleave two random walks (or poll the same URL once per node): one node holds a lease per
 * feed and runs its source, the others mirror its samples ({@link RedisSourceLeases}).
 */
interface SourceLeases {
    /** A single node: every source runs here. */
    SourceLeases SINGLE_NODE = new SourceLeases() {
        @Override
        public void acquire(String feed, Consumer<Boolean> run) {
            run.accept(true);
        }

        @Override
        public void release(String feed) {
        }
    };

    /**
     * Competes for running {@code feed}'s source: {@code run} is called with true when this node
     * should start it and with false when it must stop (another node took over), on any thread.
     */
    void acquire(String feed, Consumer<Boolean> run);

    /** This node no longer runs or wants {@code feed}'s source (the feed was removed). */
    void release(String feed);

    /** Gives up every lease (the node stops), so that another node takes over at once. */
    default Future<Void> close() {
        return Future.succeededFuture();
    }
}
