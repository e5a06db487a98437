package dev.nagare.engine;

/** A token bucket: {@code rate} tokens per second, holding at most {@code burst}. Not thread-safe. */
public final class TokenBucket {
    private final double rate;
    private final double burst;
    private double tokens;
    private long at;

    public TokenBucket(double rate, double burst, long nowNanos) {
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
        this.at = nowNanos;
    }

    public boolean tryTake(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - at) * 1e-9 * rate);
        at = nowNanos;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
