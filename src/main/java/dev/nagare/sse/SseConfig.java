package dev.nagare.sse;

import java.time.Duration;

/**
 * SSE limits. History (for clients resuming with Last-Event-ID) is bounded four ways: events and
 * bytes per channel, bytes over all channels together ({@code totalHistoryBytes}: the oldest events
 * of any channel go first), and age. {@code maxEventBytes} is the largest event data a user may
 * publish; {@code publishRate} is per user (bursts of twice it). Only channels someone published to
 * take a slot ({@code maxChannels}); a stream on a channel nobody has published to yet waits outside
 * the table, at most {@code waitingPerUser} per user.
 */
public record SseConfig(int historyEvents, Duration historyAge, long channelHistoryBytes, long totalHistoryBytes,
        int maxEventBytes, double publishRate, int maxChannels, int waitingPerUser) {

    public SseConfig {
        if (channelHistoryBytes < maxEventBytes || totalHistoryBytes < channelHistoryBytes) {
            throw new IllegalArgumentException("the largest event must fit a channel's history, and a channel's"
                    + " history the total");
        }
    }

    public static SseConfig defaults() {
        return new SseConfig(1000, Duration.ofMinutes(10), 4L << 20, 64L << 20, 64 * 1024, 100, 1000, 16);
    }
}
