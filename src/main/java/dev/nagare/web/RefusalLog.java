package dev.nagare.web;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Log lines for refused input: every refusal is logged, but at most one line a second per kind, so
 * that one client's flood cannot flood the log (the chaos suite saw 900 lines in 10 s from one
 * account); the lines left out are counted in the next one. Kinds are fixed strings chosen in code,
 * so the table stays small. Thread-safe.
 */
public final class RefusalLog {
    private static final long EVERY_MS = 1000;

    private final Logger log;
    private final LongSupplier clock;
    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();

    private static final class Kind {
        final AtomicLong last = new AtomicLong(Long.MIN_VALUE / 2);
        final AtomicLong skipped = new AtomicLong();
    }

    public RefusalLog(Logger log) {
        this(log, System::currentTimeMillis);
    }

    RefusalLog(Logger log, LongSupplier clock) {
        this.log = log;
        this.clock = clock;
    }

    /** Logs at INFO, or counts the line when one of this kind was logged less than a second ago. */
    public void info(String kind, String format, Object... args) {
        Kind k = kinds.computeIfAbsent(kind, x -> new Kind());
        long now = clock.getAsLong();
        long last = k.last.get();
        if (now - last < EVERY_MS || !k.last.compareAndSet(last, now)) {
            k.skipped.incrementAndGet();
            return;
        }
        long skipped = k.skipped.getAndSet(0);
        if (skipped == 0) {
            log.info(format, args);
        } else {
            Object[] more = Arrays.copyOf(args, args.length + 1);
            more[args.length] = skipped;
            log.info(format + " (and {} more like it in the last second)", more);
        }
    }
}
