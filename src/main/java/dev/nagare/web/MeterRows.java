package dev.nagare.web;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gauge rows for a label whose values come from users (namespaces, channels, streams): the first
 * {@value #MAX} by name keep their own row, the rest are summed as {@code other}, so that nobody can
 * grow a metric's label set by making names.
 */
public final class MeterRows {
    public static final int MAX = 50;

    private MeterRows() {
    }

    public static List<MultiGauge.Row<?>> bounded(String label, Map<String, ? extends Number> values) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        double other = 0;
        int i = 0;
        for (Map.Entry<String, ? extends Number> e : new TreeMap<>(values).entrySet()) {
            if (i++ < MAX) {
                rows.add(MultiGauge.Row.of(Tags.of(label, e.getKey()), e.getValue()));
            } else {
                other += e.getValue().doubleValue();
            }
        }
        if (values.size() > MAX) {
            rows.add(MultiGauge.Row.of(Tags.of(label, "other"), other));
        }
        return rows;
    }
}
