package dev.nagare.server;

import dev.nagare.store.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;

/**
 * The server's store, timed: each transaction's latency as its caller sees it (queueing for a
 * connection included) and the transactions that failed, whatever the backend.
 */
final class MeteredStore implements Store {
    private final Store store;
    private final Timer latency;
    private final Counter errors;

    MeteredStore(Store store, MeterRegistry registry) {
        this.store = store;
        this.latency = Timer.builder("nagare.store.transactions")
                .description("Store transactions by their latency, from the call to the result (" + store.describe() + ")")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1))
                .register(registry);
        this.errors = Counter.builder("nagare.store.errors").description("Store transactions that failed")
                .register(registry);
    }

    @Override
    public <T> Future<T> transact(Work<T> work) {
        long t0 = System.nanoTime();
        return store.transact(work).andThen(ar -> {
            latency.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
            if (ar.failed()) {
                errors.increment();
            }
        });
    }

    @Override
    public Future<Void> ping() {
        return store.ping();
    }

    @Override
    public Map<String, Integer> schema() {
        return store.schema();
    }

    @Override
    public String describe() {
        return store.describe();
    }

    @Override
    public Future<Void> close() {
        return store.close();
    }
}
