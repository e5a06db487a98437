package dev.nagare.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.adapter.ClusterConfig;
import dev.nagare.adapter.RedisLink;
import dev.nagare.testing.MediaCluster;
import dev.nagare.testing.RedisServer;
import dev.nagare.wire.MediaRelayCodec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two relays ("nodes") on a real redis-server, without the rest of the server: a name is one node's, a
 * watcher's wake starts the producer's tap at once, a paused Redis costs the producer a bounded amount
 * of memory (messages are dropped), messages over the size cap are never sent, and an unshared stream
 * leaves the other's directory and its watchers hear the end.
 */
class RedisMediaRelayTest {
    static RedisServer redis;
    static Vertx vertx;
    static RedisLink linkA;
    static RedisLink linkB;
    static RedisMediaRelay a;
    static RedisMediaRelay b;

    @BeforeAll
    static void twoRelays() throws Exception {
        redis = RedisServer.start();
        vertx = Vertx.vertx();
        linkA = new RedisLink(vertx, ClusterConfig.of(redis.url()));
        linkB = new RedisLink(vertx, ClusterConfig.of(redis.url()));
        linkA.start(10_000).await(20, TimeUnit.SECONDS);
        linkB.start(10_000).await(20, TimeUnit.SECONDS);
        a = new RedisMediaRelay(vertx, linkA, "video", 1024 * 1024);
        b = new RedisMediaRelay(vertx, linkB, "video", 1024 * 1024);
    }

    @AfterAll
    static void stop() throws Exception {
        for (RedisMediaRelay r : new RedisMediaRelay[] {a, b}) {
            if (r != null) {
                r.close().await(10, TimeUnit.SECONDS);
            }
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** A tap that hands the test its output once the relay starts it. */
    static final class RecordingTap implements MediaRelay.Tap {
        final CompletableFuture<Consumer<byte[]>> started = new CompletableFuture<>();
        final CompletableFuture<Void> stopped = new CompletableFuture<>();

        @Override
        public void start(Consumer<byte[]> out) {
            started.complete(out);
        }

        @Override
        public void stop() {
            stopped.complete(null);
        }
    }

    static byte[] frame(long sequence, int bytes) {
        return MediaRelayCodec.encode(MediaRelayCodec.VIDEO, sequence, System.currentTimeMillis(), new byte[bytes]);
    }

    @Test
    void aWatchedStreamIsRelayedWithinBoundsAndItsEndReachesTheWatcher() throws Exception {
        RecordingTap tap = new RecordingTap();
        assertThat(a.share("flood", new JsonObject().put("width", 64), tap).await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(b.share("flood", new JsonObject(), new RecordingTap()).await(10, TimeUnit.SECONDS))
                .as("the name is A's").isFalse();
        MediaCluster.await("B's directory lists A's stream", () -> b.remote().containsKey("flood"));
        assertThat(b.remote().get("flood").getInteger("width")).isEqualTo(64);
        assertThat(a.remote()).as("a node does not list its own streams as remote").doesNotContainKey("flood");

        LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        MediaRelay.Watch watch = b.watch("flood", received::add);
        Consumer<byte[]> out = tap.started.get(10, TimeUnit.SECONDS); // the wake, or the next NUMSUB check
        MediaCluster.await("B's subscription is in place", () -> redisSubscribers(a.channel("flood")) == 1);
        out.accept(frame(1, 100));
        assertThat(MediaRelayCodec.decode(received.poll(10, TimeUnit.SECONDS), 1024).sequence()).isEqualTo(1);

        long droppedBefore = a.dropped();
        out.accept(frame(2, 1024 * 1024 + 1));
        assertThat(a.dropped()).as("over the size cap: not sent").isEqualTo(droppedBefore + 1);

        redis.pause();
        try {
            for (int i = 0; i < 200; i++) { // 20 MB at a Redis that takes nothing
                out.accept(frame(3 + i, 100 * 1024));
            }
            assertThat(a.inFlight()).isLessThanOrEqualTo(RedisMediaRelay.MAX_IN_FLIGHT + 100 * 1024 + 17);
            assertThat(a.dropped() - droppedBefore).isGreaterThan(150);
        } finally {
            redis.resume();
        }
        MediaCluster.await("what was in flight is taken", () -> a.inFlight() == 0);

        a.unshare("flood");
        MediaCluster.await("B hears the end", () -> {
            for (byte[] m; (m = received.poll()) != null; ) {
                if (m[0] == MediaRelayCodec.END) {
                    return true;
                }
            }
            return false;
        });
        tap.stopped.get(10, TimeUnit.SECONDS);
        MediaCluster.await("B's directory drops it", () -> !b.remote().containsKey("flood"));
        watch.close();
        MediaCluster.await("B unsubscribed", () -> redisSubscribers(a.channel("flood")) == 0);
    }

    private static long redisSubscribers(String channel) {
        try {
            String reply = redis.command("PUBSUB", "NUMSUB", channel);
            return Long.parseLong(reply.substring(reply.lastIndexOf(':') + 1).trim());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
