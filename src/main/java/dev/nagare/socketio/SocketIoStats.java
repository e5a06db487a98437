package dev.nagare.socketio;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * What the Socket.IO layer has done since it started, for metrics: broadcasts made on this node and
 * the sockets they reached, connections accepted and refused (by who refused: the namespace does not
 * exist, or its middleware said no), connection state recoveries tried and made, and acks the server
 * waited for (answered, with their latency to an observer the server sets, or timed out). Counters
 * are safe from any thread and cost one uncontended addition.
 */
public final class SocketIoStats {
    final LongAdder broadcasts = new LongAdder();
    final LongAdder deliveries = new LongAdder();
    final LongAdder connects = new LongAdder();
    final LongAdder refusedByMiddleware = new LongAdder();
    final LongAdder refusedNoNamespace = new LongAdder();
    final LongAdder recoveriesTried = new LongAdder();
    final LongAdder recoveriesMade = new LongAdder();
    final LongAdder ackTimeouts = new LongAdder();
    private volatile LongConsumer ackNanos = n -> { };

    /** Gets each answered ack's latency in nanoseconds, from the emit to the client's ACK. */
    public void onAckLatency(LongConsumer observer) {
        this.ackNanos = observer;
    }

    void acked(long nanos) {
        ackNanos.accept(nanos);
    }

    public long broadcasts() {
        return broadcasts.sum();
    }

    public long deliveries() {
        return deliveries.sum();
    }

    public long connects() {
        return connects.sum();
    }

    public long refusedByMiddleware() {
        return refusedByMiddleware.sum();
    }

    public long refusedNoNamespace() {
        return refusedNoNamespace.sum();
    }

    public long recoveriesTried() {
        return recoveriesTried.sum();
    }

    public long recoveriesMade() {
        return recoveriesMade.sum();
    }

    public long ackTimeouts() {
        return ackTimeouts.sum();
    }
}
