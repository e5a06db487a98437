package dev.nagare.media;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Live streams of one kind (video or audio) across the nodes of a cluster (issue 18). A node
 * {@link #share shares} its streams: the others list them ({@link #remote}) and watch one through
 * {@link #watch} while they have a viewer of it; the producing node sends a stream's messages
 * (encoded by {@code wire/MediaRelayCodec}) only while some node watches, through the {@link Tap} it
 * handed over. Each node checks rights itself, where the data leaves it. {@link #SINGLE_NODE}: no
 * other node, nothing shared; {@code RedisMediaRelay} is the cluster's.
 */
public interface MediaRelay {

    /** How the relay turns a shared stream's output on and off as other nodes' demand comes and goes. */
    interface Tap {
        /** Some node watches: send each message to {@code out} (any thread) until {@link #stop}. */
        void start(Consumer<byte[]> out);

        void stop();
    }

    /** A running {@link #watch}. */
    interface Watch {
        void close();
    }

    /** One node: every stream is this node's own and nothing leaves it. */
    MediaRelay SINGLE_NODE = new MediaRelay() {
        @Override
        public Future<Boolean> share(String name, JsonObject info, Tap tap) {
            return Future.succeededFuture(true);
        }

        @Override
        public void unshare(String name) {
        }

        @Override
        public Map<String, JsonObject> remote() {
            return Map.of();
        }

        @Override
        public void onChange(Runnable listener) {
        }

        @Override
        public Watch watch(String name, Consumer<byte[]> in) {
            throw new IllegalStateException("no other node has a stream " + name);
        }
    };

    /**
     * Offers this node's stream {@code name} (described by {@code info}) to the other nodes. Completes
     * with false when another node already shares that name: names are unique across the cluster.
     */
    Future<Boolean> share(String name, JsonObject info, Tap tap);

    /** The stream ended here: the nodes watching it hear so, and it leaves their lists. */
    void unshare(String name);

    /** The other nodes' streams as last read: name to the info they shared. */
    Map<String, JsonObject> remote();

    /** {@code listener} runs (on any thread) whenever {@link #remote} changed. */
    void onChange(Runnable listener);

    /** Receives another node's stream's messages (on any thread, in order) until closed. */
    Watch watch(String name, Consumer<byte[]> in);

    /** Unshares everything (the node stops). */
    default Future<Void> close() {
        return Future.succeededFuture();
    }
}
