package dev.nagare.adapter;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the acknowledgements of a broadcast with ack: each node reports how many clients it sent
 * the packet to, each client's first ack argument is added, and the result completes once every
 * expected node reported and every counted client answered, or fails with {@link ResponsesTimeout}
 * ("operation has timed out", socket.io's text) and the partial list. One thread only (the namespace's).
 */
final class AckCollector {
    private final Promise<List<Object>> done = Promise.promise();
    private final List<Object> responses = new ArrayList<>();
    private final long timer;
    private final long nodesExpected;
    private long nodesReported;
    private long clientsExpected;

    AckCollector(Vertx vertx, long nodesExpected, long timeoutMs, Runnable onEnd) {
        this.nodesExpected = nodesExpected;
        this.timer = vertx.setTimer(Math.max(1, timeoutMs), t -> {
            onEnd.run();
            done.tryFail(new ResponsesTimeout("operation has timed out", responses));
        });
        done.future().onComplete(ar -> {
            vertx.cancelTimer(timer);
            onEnd.run();
        });
    }

    /** A node (this one included) sent the packet to {@code clients} clients. */
    void counted(long clients) {
        nodesReported++;
        clientsExpected += clients;
        check();
    }

    void ack(Object response) {
        responses.add(response);
        check();
    }

    private void check() {
        if (nodesReported >= nodesExpected && responses.size() >= clientsExpected) {
            done.tryComplete(java.util.Collections.unmodifiableList(new ArrayList<>(responses))); // acks may be null
        }
    }

    Future<List<Object>> future() {
        return done.future();
    }
}
