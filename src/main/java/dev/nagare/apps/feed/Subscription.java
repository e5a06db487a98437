package dev.nagare.apps.feed;

import dev.nagare.socketio.Socket;
import io.vertx.core.Vertx;

/**
 * One socket following one feed at most {@code maxRate} times a second. A change inside the
 * interval arms one timer; when it fires the socket gets the feed's newest snapshot, however many
 * samples arrived meanwhile (conflation). Home context only.
 */
final class Subscription {
    final Socket socket;
    final Feed feed;
    private final long minIntervalNanos;
    private long lastSentNanos;
    private long timer = -1;
    private boolean cancelled;

    Subscription(Socket socket, Feed feed, double maxRate) {
        this.socket = socket;
        this.feed = feed;
        this.minIntervalNanos = (long) (1e9 / maxRate);
        this.lastSentNanos = System.nanoTime() - minIntervalNanos;
    }

    void changed() {
        if (cancelled || timer >= 0) {
            return;
        }
        long wait = lastSentNanos + minIntervalNanos - System.nanoTime();
        if (wait <= 0) {
            send();
            return;
        }
        timer = Vertx.currentContext().owner().setTimer(Math.max(1, wait / 1_000_000), id -> {
            timer = -1;
            if (!cancelled) {
                send();
            }
        });
    }

    private void send() {
        lastSentNanos = System.nanoTime();
        // Volatile: if the client cannot take it now, it is dropped, and the next one carries every key anyway.
        socket.emitVolatile("sample", feed.snapshot());
    }

    void cancel() {
        cancelled = true;
        if (timer >= 0) {
            Vertx.currentContext().owner().cancelTimer(timer);
            timer = -1;
        }
    }
}
