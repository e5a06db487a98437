package dev.nagare.apps.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.store.Store;
import dev.nagare.testing.StoreBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feed history and run-time feeds as every store backend keeps them. Subclassed once per backend. */
abstract class FeedStoreContract {
    @TempDir
    Path dir;
    Vertx vertx;
    Store store;
    FeedStore feeds;

    abstract StoreBackend backend();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        store = StoreBackend.open(vertx, backend().newStore(dir));
        feeds = new FeedStore(store);
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.await(10, TimeUnit.SECONDS);
    }

    @Test
    void theNewestSamplesWithinTheWindowComeBackOldestFirst() throws Exception {
        long now = System.currentTimeMillis();
        List<FeedSample> samples = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            samples.add(new FeedSample(now - 5_000 + i * 1000, Map.of("v", i)));
        }
        await(feeds.append(Map.of("weather", samples, "other", List.of(new FeedSample(now, Map.of("v", 99)))), 60_000));
        assertThat(await(feeds.load("weather", 60_000, 3))).extracting(s -> s.values().get("v")).containsExactly(2, 3, 4);
        assertThat(await(feeds.load("weather", 2_500, 10))).hasSize(2);
        await(feeds.drop("weather"));
        assertThat(await(feeds.load("weather", 60_000, 10))).isEmpty();
        assertThat(await(feeds.load("other", 60_000, 10))).hasSize(1);
    }

    @Test
    void samplesOutsideTheWindowAreTrimmedOnAppend() throws Exception {
        long now = System.currentTimeMillis();
        await(feeds.append(Map.of("w", List.of(new FeedSample(now - 120_000, Map.of("v", 1)))), 600_000));
        await(feeds.append(Map.of("w", List.of(new FeedSample(now, Map.of("v", 2)))), 60_000));
        assertThat(await(feeds.load("w", 600_000, 10))).extracting(s -> s.values().get("v")).containsExactly(2);
    }

    @Test
    void aRunTimeFeedIsRememberedReplacedAndForgotten() throws Exception {
        await(feeds.remember(FeedSpec.parse(new JsonObject().put("name", "ticks").put("type", "push"))));
        await(feeds.remember(FeedSpec.parse(new JsonObject().put("name", "ticks").put("type", "market"))));
        List<FeedSpec> specs = await(feeds.specs());
        assertThat(specs).hasSize(1);
        assertThat(specs.get(0).type()).isEqualTo(FeedSpec.Type.MARKET);
        await(feeds.forget("ticks"));
        assertThat(await(feeds.specs())).isEmpty();
    }

    @Test
    void aPauseIsKeptUntilTheFeedIsResumed() throws Exception {
        assertThat(await(feeds.paused())).isEmpty();
        await(feeds.pause("ticks", true, "root"));
        await(feeds.pause("ticks", true, "other")); // pausing again is no error
        await(feeds.pause("lab", true, "root"));
        assertThat(await(feeds.paused())).containsExactlyInAnyOrder("ticks", "lab");
        await(feeds.pause("ticks", false, "root"));
        await(feeds.pause("ticks", false, "root"));
        assertThat(await(feeds.paused())).containsExactly("lab");
    }
}
