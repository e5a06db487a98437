package dev.nagare.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --key value} and {@code --flag} command-line options. */
final class Opts {
    private final Map<String, String> values = new LinkedHashMap<>();

    static Opts parse(String[] args, int from) {
        Opts o = new Opts();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected an option --name, got '" + a + "'");
            }
            String key = a.substring(2);
            int eq = key.indexOf('=');
            if (eq >= 0) {
                o.values.put(key.substring(0, eq), key.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                o.values.put(key, args[++i]);
            } else {
                o.values.put(key, "true");
            }
        }
        return o;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    String str(String key, String def) {
        return values.getOrDefault(key, def);
    }

    String required(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing option --" + key);
        }
        return v;
    }

    int integer(String key, int def) {
        String v = values.get(key);
        return v == null ? def : Integer.parseInt(v.trim());
    }

    long lng(String key, long def) {
        String v = values.get(key);
        return v == null ? def : Long.parseLong(v.trim());
    }

    double dbl(String key, double def) {
        String v = values.get(key);
        return v == null ? def : Double.parseDouble(v.trim());
    }

    /**
     * A comma-separated list of positive numbers (e.g. client counts or rates), in ascending order
     * with duplicates dropped, so "10,50,200,200" and "200,10,50" both give 10, 50, 200.
     */
    java.util.List<Double> ascending(String key, String def) {
        java.util.TreeSet<Double> values = new java.util.TreeSet<>();
        for (String v : str(key, def).split(",")) {
            double d;
            try {
                d = Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                d = Double.NaN;
            }
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("--" + key + ": positive numbers separated by commas, not '" + v + "'");
            }
            values.add(d);
        }
        return new java.util.ArrayList<>(values);
    }

    boolean bool(String key, boolean def) {
        String v = values.get(key);
        return v == null ? def : Boolean.parseBoolean(v.trim());
    }
}
