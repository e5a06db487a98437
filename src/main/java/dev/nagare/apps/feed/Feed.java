package dev.nagare.apps.feed;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One feed's state: the latest value of every key, and a ring of recent samples (at most
 * {@link #MAX_SAMPLES}, none older than {@link #MAX_AGE_MS}) to preload charts. Event-loop only.
 */
final class Feed {
    static final long MAX_AGE_MS = 15 * 60 * 1000;
    static final int MAX_SAMPLES = 50_000;

    final FeedSpec spec;
    /** An administrator paused it: no samples are taken (see {@link FeedHub#pause}). */
    boolean paused;
    private final ArrayDeque<FeedSample> history = new ArrayDeque<>();
    private final Map<String, Object> latest = new LinkedHashMap<>();
    private final Set<String> keys = new LinkedHashSet<>();
    private long latestTs;
    private long latestOrder = Long.MIN_VALUE;
    private long seq;

    Feed(FeedSpec spec) {
        this.spec = spec;
    }

    String name() {
        return spec.name();
    }

    /**
     * Adds a sample; false (nothing changed) when it would give the feed more than 64 keys. History is
     * trimmed by the server's clock {@code now}, and a sample counts as newest by its time capped at
     * {@code now}: a sample dated in the future neither evicts history nor freezes the latest values
     * until its date comes (issue 15).
     */
    boolean add(FeedSample s, long now) {
        Set<String> after = new LinkedHashSet<>(keys);
        after.addAll(s.values().keySet());
        if (after.size() > FeedSample.MAX_KEYS) {
            return false;
        }
        keys.addAll(s.values().keySet());
        long order = Math.min(s.ts(), now);
        if (order >= latestOrder) {
            latest.putAll(s.values());
            latestTs = s.ts();
            latestOrder = order;
        }
        seq++;
        history.addLast(s);
        while (!history.isEmpty()
                && (history.size() > MAX_SAMPLES || history.peekFirst().ts() < now - MAX_AGE_MS)) {
            history.removeFirst();
        }
        return true;
    }

    long seq() {
        return seq;
    }

    /** What a subscriber gets: every key's newest value (so that a dropped update loses nothing). */
    JsonObject snapshot() {
        return new JsonObject().put("feed", spec.name()).put("ts", latestTs).put("seq", seq)
                .put("values", new JsonObject(new LinkedHashMap<>(latest)));
    }

    /** What {@link #downsample} reads, copied on the event loop so that a worker can read it. */
    record HistoryView(FeedSample[] samples, List<String> numeric) {
    }

    /** A copy of the history and the numeric keys (the samples themselves are immutable). */
    HistoryView view() {
        List<String> numeric = new ArrayList<>();
        for (String k : keys) {
            if (latest.get(k) instanceof Number) {
                numeric.add(k);
            }
        }
        return new HistoryView(history.toArray(new FeedSample[0]), numeric);
    }

    /**
     * The last {@code windowMs} of history in at most {@code points} time buckets, in uPlot's column
     * form {@code {ts: [...], series: {key: [...]}}}: each bucket keeps the last value of each numeric
     * key (null when the key had none there). Reads only {@code view}: any thread (a worker, see
     * {@link FeedHub#history}).
     */
    static JsonObject downsample(HistoryView view, long windowMs, int points, long now) {
        long from = now - windowMs;
        double width = (double) windowMs / points;
        List<String> numeric = view.numeric();
        long[] bucketTs = new long[points];
        Object[][] cols = new Object[numeric.size()][points];
        boolean[] used = new boolean[points];
        for (FeedSample s : view.samples()) {
            if (s.ts() < from || s.ts() > now) {
                continue;
            }
            int b = (int) Math.min(points - 1, (s.ts() - from) / width);
            used[b] = true;
            bucketTs[b] = s.ts();
            for (int i = 0; i < numeric.size(); i++) {
                Object v = s.values().get(numeric.get(i));
                if (v instanceof Number) {
                    cols[i][b] = v;
                }
            }
        }
        JsonArray ts = new JsonArray();
        JsonObject series = new JsonObject();
        List<JsonArray> out = new ArrayList<>();
        for (String k : numeric) {
            JsonArray a = new JsonArray();
            series.put(k, a);
            out.add(a);
        }
        for (int b = 0; b < points; b++) {
            if (!used[b]) {
                continue;
            }
            ts.add(bucketTs[b]);
            for (int i = 0; i < numeric.size(); i++) {
                out.get(i).add(cols[i][b]);
            }
        }
        return new JsonObject().put("ts", ts).put("series", series);
    }

    JsonObject describe() {
        return spec.toJson().put("keys", new JsonArray(new ArrayList<>(keys))).put("samples", history.size())
                .put("latestTs", latestTs).put("paused", paused);
    }
}
