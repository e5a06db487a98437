package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.adapter.ClusterConfig;
import dev.nagare.adapter.RedisLink;
import dev.nagare.auth.KeyedRates;
import dev.nagare.testing.RedisServer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A per-user rate shared by two nodes (two links to a real redis-server): what one node lets a
 * user do is taken from that user's bucket on the other, so the user cannot get twice the rate by
 * using both nodes; other users are not affected.
 */
class SharedRatesTest {
    private static RedisServer redis;
    private static Vertx vertx;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
    }

    /** A node's limiter, shared, on an event loop of its own; returns it once its link is subscribed. */
    private static KeyedRates node(Context loop) throws Exception {
        RedisLink link = new RedisLink(vertx, ClusterConfig.of(redis.url()));
        KeyedRates rates = new KeyedRates(1); // 1 a second, bursts of 2
        CompletableFuture<Void> shared = new CompletableFuture<>();
        loop.runOnContext(v -> {
            new SharedRates(vertx, link).share("test.rate", rates);
            shared.complete(null);
        });
        shared.get(10, TimeUnit.SECONDS);
        link.start(10_000).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        return rates;
    }

    private static <T> T on(Context loop, java.util.function.Supplier<T> action) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.runOnContext(v -> f.complete(action.get()));
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void whatOneNodeLetsAUserDoIsTakenOnTheOther() throws Exception {
        Context loopA = vertx.getOrCreateContext();
        Context loopB = vertx.getOrCreateContext();
        KeyedRates a = node(loopA);
        KeyedRates b = node(loopB);
        assertThat(on(loopA, () -> a.tryTake("mallory") && a.tryTake("mallory"))).as("the burst, on A").isTrue();
        // B hears of it within one sharing round (100 ms); nothing announces it, so ask until it shows.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (on(loopB, () -> b.available("mallory")) >= 1) {
            assertThat(System.nanoTime()).as("B took A's tokens for mallory").isLessThan(deadline);
            Thread.sleep(20); // see above: nothing announces the shared round
        }
        assertThat(on(loopB, () -> b.tryTake("mallory"))).as("mallory on B, right after the burst on A").isFalse();
        assertThat(on(loopB, () -> b.tryTake("alice"))).as("another user").isTrue();
    }
}
