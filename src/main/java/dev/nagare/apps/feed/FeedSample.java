package dev.nagare.apps.feed;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One sample of a feed: a time (ms since the epoch) and values by key. Values are finite numbers,
 * booleans or strings of at most 64 characters; at most 64 keys.
 */
public record FeedSample(long ts, Map<String, Object> values) {
    public static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    static final int MAX_KEYS = 64;
    static final int MAX_STRING = 64;
    static final int MAX_BATCH = 1000;
    /** Samples claiming a time further than this from the server's clock are refused. */
    static final long MAX_SKEW_MS = 24L * 3600 * 1000;

    public FeedSample {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values)); // keeps the keys' order
    }

    /** Checks a sample from the network: {@code {"ts"?: ms, "values": {key: value}}}. */
    static FeedSample parse(Object raw, long now) {
        if (!(raw instanceof Map<?, ?> || raw instanceof JsonObject)) {
            throw new IllegalArgumentException("a sample is an object {\"ts\"?: ms, \"values\": {key: value}}");
        }
        JsonObject j = raw instanceof JsonObject o ? o : JsonObject.mapFrom(raw);
        long ts = now;
        if (j.containsKey("ts")) {
            if (!(j.getValue("ts") instanceof Number n) || Math.abs(n.longValue() - now) > MAX_SKEW_MS) {
                throw new IllegalArgumentException("ts must be milliseconds since 1970 within a day of the server's clock");
            }
            ts = n.longValue();
        }
        if (!(j.getValue("values") instanceof JsonObject v) || v.isEmpty()) {
            throw new IllegalArgumentException("values must be a non-empty object of key: number|string|boolean");
        }
        if (v.size() > MAX_KEYS) {
            throw new IllegalArgumentException("a sample has at most " + MAX_KEYS + " keys");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (String key : v.fieldNames()) {
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("key '" + printable(key) + "': 1 to 64 of A-Z a-z 0-9 _ . -");
            }
            Object value = v.getValue(key);
            if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
                values.put(key, n.doubleValue());
            } else if (value instanceof Boolean || value instanceof String s && s.length() <= MAX_STRING) {
                values.put(key, value);
            } else {
                throw new IllegalArgumentException("value of '" + key + "' must be a finite number, a boolean or a"
                        + " string of at most " + MAX_STRING + " characters");
            }
        }
        return new FeedSample(ts, values);
    }

    /** A batch: {@code {"samples": [sample...]}} (at most 1,000) or one sample object. */
    static java.util.List<FeedSample> parseBatch(Object raw, long now) {
        JsonObject j = raw instanceof JsonObject o ? o : raw instanceof Map<?, ?> ? JsonObject.mapFrom(raw) : null;
        if (j == null) {
            throw new IllegalArgumentException("send {\"samples\": [{\"ts\"?: ms, \"values\": {...}}]} or one sample");
        }
        if (!j.containsKey("samples")) {
            return java.util.List.of(parse(j, now));
        }
        if (!(j.getValue("samples") instanceof io.vertx.core.json.JsonArray a) || a.isEmpty() || a.size() > MAX_BATCH) {
            throw new IllegalArgumentException("samples must be a list of 1 to " + MAX_BATCH + " samples");
        }
        java.util.List<FeedSample> out = new java.util.ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            try {
                out.add(parse(a.getValue(i), now));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sample " + i + ": " + e.getMessage());
            }
        }
        return out;
    }

    JsonObject toJson() {
        return new JsonObject().put("ts", ts).put("values", new JsonObject(new LinkedHashMap<>(values)));
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
