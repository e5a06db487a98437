package dev.nagare.apps.feed;

import dev.nagare.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Samples of persistent feeds in the store, written in batches and trimmed to the history window; the
 * feeds added at run time; and which feeds an administrator paused.
 */
final class FeedStore {
    private final Store store;

    FeedStore(Store store) {
        this.store = store;
    }

    /** The feed's stored samples of the last {@code maxAgeMs}, oldest first. */
    Future<List<FeedSample>> load(String feed, long maxAgeMs, int max) {
        long from = System.currentTimeMillis() - maxAgeMs;
        return store.transact(c -> {
            List<FeedSample> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT ts, sample FROM (SELECT ts, sample FROM feed_samples"
                    + " WHERE feed = ? AND ts >= ? ORDER BY ts DESC LIMIT ?) AS recent ORDER BY ts")) {
                ps.setString(1, feed);
                ps.setLong(2, from);
                ps.setInt(3, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> values = new JsonObject(rs.getString(2)).getMap();
                        out.add(new FeedSample(rs.getLong(1), values));
                    }
                }
            }
            return out;
        });
    }

    /** Appends samples of several feeds in one transaction and drops what fell out of the window. */
    Future<Void> append(Map<String, List<FeedSample>> byFeed, long maxAgeMs) {
        long cutoff = System.currentTimeMillis() - maxAgeMs;
        return store.transact(c -> {
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO feed_samples(feed, ts, sample) VALUES (?, ?, ?)");
                    PreparedStatement del = c.prepareStatement("DELETE FROM feed_samples WHERE feed = ? AND ts < ?")) {
                for (Map.Entry<String, List<FeedSample>> e : byFeed.entrySet()) {
                    for (FeedSample s : e.getValue()) {
                        ins.setString(1, e.getKey());
                        ins.setLong(2, s.ts());
                        ins.setString(3, new JsonObject(new java.util.LinkedHashMap<>(s.values())).encode());
                        ins.addBatch();
                    }
                    del.setString(1, e.getKey());
                    del.setLong(2, cutoff);
                    del.addBatch();
                }
                ins.executeBatch();
                del.executeBatch();
            }
            return null;
        });
    }

    /** Forgets a removed feed's samples. */
    Future<Void> drop(String feed) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM feed_samples WHERE feed = ?")) {
                ps.setString(1, feed);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Feeds added at run time, oldest first. */
    Future<List<FeedSpec>> specs() {
        return store.transact(c -> {
            List<FeedSpec> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT spec FROM feed_specs ORDER BY created_at");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(FeedSpec.parse(new JsonObject(rs.getString(1))));
                }
            }
            return out;
        });
    }

    Future<Void> remember(FeedSpec spec) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO feed_specs(name, spec, created_at) VALUES (?, ?, ?)"
                    + " ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, created_at = excluded.created_at")) {
                ps.setString(1, spec.name());
                ps.setString(2, spec.toJson().encode());
                ps.setLong(3, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    Future<Void> forget(String name) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM feed_specs WHERE name = ?")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The names of the feeds that are paused. */
    Future<java.util.Set<String>> paused() {
        return store.transact(c -> {
            java.util.Set<String> out = new java.util.LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM feed_pauses");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** Records that {@code by} paused the feed, or forgets its pause ({@code paused} false). */
    Future<Void> pause(String name, boolean paused, String by) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(paused
                    ? "INSERT INTO feed_pauses(name, paused_by, paused_at) VALUES (?, ?, ?)"
                    + " ON CONFLICT (name) DO UPDATE SET paused_by = excluded.paused_by, paused_at = excluded.paused_at"
                    : "DELETE FROM feed_pauses WHERE name = ?")) {
                ps.setString(1, name);
                if (paused) {
                    ps.setString(2, by);
                    ps.setLong(3, System.currentTimeMillis());
                }
                ps.executeUpdate();
            }
            return null;
        });
    }
}
