package dev.nagare.apps.feed;

/**
 * Feed limits: how far ahead of the server's clock a sample's {@code ts} may be ({@code maxSkewMs};
 * further is refused, see {@link FeedSample#parse}), and how many history requests (downsampling, done
 * on a worker) one user may have in progress at once and start per second (bursts of twice that): one
 * account could otherwise keep a core busy downsampling (the chaos suite's attacker made 164 a second).
 */
public record FeedConfig(long maxSkewMs, int historyRequestsPerUser, double historyRatePerUser) {

    public static FeedConfig defaults() {
        return new FeedConfig(5000, 4, 10);
    }
}
