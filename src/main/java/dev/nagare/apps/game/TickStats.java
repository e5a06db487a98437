package dev.nagare.apps.game;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How long ticks take and how late they start (jitter), over the last {@link #WINDOW} ticks. Written
 * on the home context; {@link #describe()} copies under a lock so any thread may read it.
 */
public final class TickStats {
    static final int WINDOW = 3000;

    private final int tickHz;
    private final long[] durations = new long[WINDOW];
    private final long[] lateness = new long[WINDOW];
    private long count;

    TickStats(int tickHz) {
        this.tickHz = tickHz;
    }

    private volatile java.util.function.LongConsumer observer = n -> { };

    /** Also gets each tick's duration in nanoseconds (for a metrics histogram). */
    public void onTick(java.util.function.LongConsumer durationNanos) {
        this.observer = durationNanos;
    }

    void record(long lateNanos, long durationNanos) {
        keep(lateNanos, durationNanos);
        observer.accept(durationNanos);
    }

    private synchronized void keep(long lateNanos, long durationNanos) {
        int i = (int) (count++ % WINDOW);
        lateness[i] = Math.max(0, lateNanos);
        durations[i] = durationNanos;
    }

    public Map<String, Object> describe() {
        return describe(WINDOW);
    }

    /** Over the last {@code lastTicks} ticks (at most {@link #WINDOW}). */
    public synchronized Map<String, Object> describe(int lastTicks) {
        int n = (int) Math.min(Math.min(count, WINDOW), Math.max(1, lastTicks));
        long[] d = new long[n];
        long[] l = new long[n];
        for (int k = 0; k < n; k++) {
            int i = (int) ((count - 1 - k) % WINDOW);
            d[k] = durations[i];
            l[k] = lateness[i];
        }
        Arrays.sort(d);
        Arrays.sort(l);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tickHz", tickHz);
        out.put("ticks", count);
        out.put("window", n);
        out.put("tickMsP50", ms(d, 0.50));
        out.put("tickMsP99", ms(d, 0.99));
        out.put("tickMsMax", n == 0 ? 0 : d[n - 1] / 1e6);
        out.put("jitterMsP50", ms(l, 0.50));
        out.put("jitterMsP99", ms(l, 0.99));
        out.put("jitterMsMax", n == 0 ? 0 : l[n - 1] / 1e6);
        return out;
    }

    private static double ms(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return Math.round(sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e3) / 1e3;
    }
}
