package dev.nagare.media.video;

/**
 * Frames per second over the last {@value #WINDOW_SECONDS} seconds, as uStreamer's {@code captured_fps}:
 * what a source, or a rendition's viewers, really achieve, not what was asked for. Counted in 100 ms
 * buckets, so the cost is fixed however many viewers mark it. Marked from any thread (a source's, the
 * event loops'), read by {@code /video/{stream}/state}.
 */
final class FrameRate {
    static final int WINDOW_SECONDS = 3;
    /** Nothing marked for this long: the stream stopped, and the next mark starts a new run. */
    static final int STALE_SECONDS = 2;
    private static final long TICK = 100_000_000L;
    private static final int TICKS = WINDOW_SECONDS * 10;
    private final long[] counts = new long[TICKS + 2]; // guarded by this
    private final long[] ticks = new long[TICKS + 2];  // guarded by this: the tick each count is for
    private long runStart;                             // guarded by this
    private long lastMark = Long.MIN_VALUE;            // guarded by this

    synchronized void mark() {
        long now = System.nanoTime();
        if (lastMark == Long.MIN_VALUE || now - lastMark > STALE_SECONDS * 1_000_000_000L) {
            runStart = now; // a (re)start: the rate is measured from here, not over an idle window
        }
        lastMark = now;
        long tick = now / TICK;
        int i = (int) Math.floorMod(tick, (long) counts.length);
        if (ticks[i] != tick) {
            ticks[i] = tick;
            counts[i] = 0;
        }
        counts[i]++;
    }

    /** Frames per second, one decimal, over the window or since the run began; 0 once nothing comes. */
    synchronized double perSecond() {
        long now = System.nanoTime();
        if (lastMark == Long.MIN_VALUE || now - lastMark > STALE_SECONDS * 1_000_000_000L) {
            return 0;
        }
        long current = now / TICK;
        long frames = 0;
        for (int i = 0; i < counts.length; i++) {
            if (ticks[i] > current - TICKS && ticks[i] <= current) {
                frames += counts[i];
            }
        }
        long start = Math.max(runStart, (current - TICKS + 1) * TICK);
        double seconds = (now - start) / 1e9;
        // The first frame of a run opens it: n frames since then span n-1 intervals.
        if (start == runStart) {
            frames--;
        }
        return seconds < 0.2 || frames <= 0 ? 0 : Math.round(frames / seconds * 10) / 10.0;
    }
}
