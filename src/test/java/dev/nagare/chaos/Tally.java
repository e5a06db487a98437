package dev.nagare.chaos;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts of what the server answered an attack, by outcome ("202", "429", "closed 1013", ...). Any thread. */
final class Tally {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void add(String outcome) {
        counts.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    long get(String outcome) {
        LongAdder a = counts.get(outcome);
        return a == null ? 0 : a.sum();
    }

    long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(counts).forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append(": ")
                .append(String.format("%,d", v.sum())));
        return b.isEmpty() ? "none" : b.toString();
    }
}
