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
    /** Samples claiming a time further back than this are refused (ahead: the feed-max-skew setting). */
    static final long MAX_PAST_MS = 24L * 3600 * 1000;

    public FeedSample {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values)); // keeps the keys' order
    }

    /**
     * Checks a sample from the network: {@code {"ts"?: ms, "values": {key: value}}}. A {@code ts} more
     * than {@code maxSkewMs} ahead of {@code now} is refused rather than clamped: the sender's clock is
     * wrong, and it learns so from the 400 instead of having its times silently rewritten.
     */
    static FeedSample parse(Object raw, long now, long maxSkewMs) {
        if (!(raw instanceof Map<?, ?> || raw instanceof JsonObject)) {
            throw new IllegalArgumentException("a sample is an object {\"ts\"?: ms, \"values\": {key: value}}");
        }
        JsonObject j = raw instanceof JsonObject o ? o : JsonObject.mapFrom(raw);
        long ts = now;
        if (j.containsKey("ts")) {
            if (!(j.getValue("ts") instanceof Number n) || now - n.longValue() > MAX_PAST_MS) {
                throw new IllegalArgumentException("ts must be milliseconds since 1970, at most a day in the past");
            }
            if (n.longValue() - now > maxSkewMs) {
                throw new IllegalArgumentException("ts is " + (n.longValue() - now) + " ms ahead of the server's clock;"
                        + " at most " + maxSkewMs + " ms ahead is accepted (check the sender's clock)");
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
    static java.util.List<FeedSample> parseBatch(Object raw, long now, long maxSkewMs) {
        JsonObject j = raw instanceof JsonObject o ? o : raw instanceof Map<?, ?> ? JsonObject.mapFrom(raw) : null;
        if (j == null) {
            throw new IllegalArgumentException("send {\"samples\": [{\"ts\"?: ms, \"values\": {...}}]} or one sample");
        }
        if (!j.containsKey("samples")) {
            return java.util.List.of(parse(j, now, maxSkewMs));
        }
        if (!(j.getValue("samples") instanceof io.vertx.core.json.JsonArray a) || a.isEmpty() || a.size() > MAX_BATCH) {
            throw new IllegalArgumentException("samples must be a list of 1 to " + MAX_BATCH + " samples");
        }
        java.util.List<FeedSample> out = new java.util.ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            try {
                out.add(parse(a.getValue(i), now, maxSkewMs));
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
