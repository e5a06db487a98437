package dev.nagare.auth;

import dev.nagare.store.Store;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which credentials (sessions or tokens, by the hash their {@link Principal#credential()} carries)
 * still stand, looked up 500 at a time (below SQLite's limit of bound parameters).
 */
final class LiveCredentials {
    /** Whether a found row (hash, then the column that decides) is still live. */
    interface Alive {
        boolean test(ResultSet row) throws SQLException;
    }

    private static final int CHUNK = 500;

    private LiveCredentials() {
    }

    /**
     * The credentials of {@code credentials} with {@code prefix} whose hash {@code selectWhereHashIn}
     * (a query selecting hash and one more column, ending in {@code IN (}) finds and {@code alive} accepts.
     */
    static Future<Set<String>> lookup(Store store, Collection<String> credentials, String prefix,
            String selectWhereHashIn, Alive alive) {
        List<String> hashes = credentials.stream().filter(c -> c.startsWith(prefix))
                .map(c -> c.substring(prefix.length())).distinct().toList();
        if (hashes.isEmpty()) {
            return Future.succeededFuture(Set.of());
        }
        return store.transact(c -> {
            Set<String> out = new HashSet<>();
            for (int from = 0; from < hashes.size(); from += CHUNK) {
                List<String> chunk = hashes.subList(from, Math.min(hashes.size(), from + CHUNK));
                try (PreparedStatement ps = c.prepareStatement(selectWhereHashIn
                        + String.join(",", Collections.nCopies(chunk.size(), "?")) + ")")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (alive.test(rs)) {
                                out.add(prefix + rs.getString(1));
                            }
                        }
                    }
                }
            }
            return out;
        });
    }
}
