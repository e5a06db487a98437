package dev.nagare.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Copies everything a server keeps (accounts, grants, sessions, tokens, chat rooms and messages, feed
 * samples, run-time feeds and paused feeds) from one store to another, typically SQLite to PostgreSQL, without
 * losing or doubling anything when run again: rows are matched by their natural keys (user name,
 * session and token hashes, a message's author and client id, room and feed names, identical
 * samples). Ids are kept where the target has them free, so token ids and message ids stay the same on
 * a fresh target; accounts that exist on both under one name are merged. Reads and writes go in chunks
 * of {@value #CHUNK} rows, each chunk one transaction on the target: memory stays bounded whatever the
 * history's size. Blocking: run it from a command, never on an event loop.
 */
public final class StoreCopy {
    static final int CHUNK = 2_000;
    private static final long TIMEOUT_S = 300;

    /** For one table: rows newly written, and rows the target already had. */
    public record Count(long copied, long present) {
    }

    private final Store from;
    private final Store to;
    private final Map<Long, Long> userIds = new HashMap<>();
    private final Map<String, Count> counts = new LinkedHashMap<>();

    public StoreCopy(Store from, Store to) {
        this.from = from;
        this.to = to;
    }

    /**
     * One table to copy: its columns (the id first where {@code ids}), which hold account ids, and
     * whether rows have no key at all (then a row is skipped when an identical one exists).
     */
    private record Table(String name, List<String> columns, boolean ids, Set<String> userColumns, boolean keyless) {
    }

    private static final List<Table> TABLES = List.of(
            new Table("grants", List.of("user_id", "grant_text"), false, Set.of("user_id"), false),
            new Table("sessions", List.of("id_hash", "user_id", "csrf", "created_at", "last_seen"), false,
                    Set.of("user_id"), false),
            new Table("tokens", List.of("id", "token_hash", "user_id", "name", "scopes", "created_at", "expires_at"),
                    true, Set.of("user_id"), false),
            new Table("chat_rooms", List.of("name", "created_by", "created_at"), false, Set.of("created_by"), false),
            // An author deleted since keeps the old id (messages keep the name as it was).
            new Table("chat_messages", List.of("id", "room", "user_id", "username", "client_id", "text", "created_at",
                    "edited_at", "deleted_at"), true, Set.of("user_id"), false),
            new Table("feed_samples", List.of("feed", "ts", "sample"), false, Set.of(), true),
            new Table("feed_specs", List.of("name", "spec", "created_at"), false, Set.of(), false),
            new Table("feed_pauses", List.of("name", "paused_by", "paused_at"), false, Set.of(), false));

    /** Copies every table; returns the count per table, in copy order. */
    public Map<String, Count> run() throws Exception {
        users();
        for (Table t : TABLES) {
            copy(t);
        }
        if (to instanceof PostgresStore) {
            await(to.transact(c -> {
                // Ids were written explicitly: move each identity past the highest so new rows don't collide.
                try (Statement st = c.createStatement()) {
                    for (String table : List.of("users", "tokens", "chat_messages")) {
                        st.execute("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'),"
                                + " COALESCE((SELECT MAX(id) FROM " + table + "), 0) + 1, false)");
                    }
                }
                return null;
            }));
        }
        return counts;
    }

    /** Accounts: matched by name (whatever its case); new ones keep their id where the target has it free. */
    private void users() throws Exception {
        long after = 0;
        long copied = 0;
        long present = 0;
        while (true) {
            long start = after;
            List<Object[]> rows = await(from.transact(c -> read(c,
                    "SELECT id, username, password_hash, role, created_at, disabled FROM users WHERE id > ? ORDER BY id LIMIT ?",
                    start)));
            if (rows.isEmpty()) {
                break;
            }
            long n = await(to.transact(c -> {
                long written = 0;
                Set<Long> taken = takenIds(c, "users", rows);
                for (Object[] r : rows) {
                    long id = (Long) r[0];
                    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM users WHERE lower(username) = lower(?)")) {
                        ps.setString(1, (String) r[1]);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                userIds.put(id, rs.getLong(1));
                                continue;
                            }
                        }
                    }
                    boolean keep = !taken.contains(id);
                    List<String> cols = keep ? List.of("id", "username", "password_hash", "role", "created_at", "disabled")
                            : List.of("username", "password_hash", "role", "created_at", "disabled");
                    try (PreparedStatement ps = c.prepareStatement(insert("users", cols, keep) + " RETURNING id")) {
                        bind(ps, 1, r, keep ? 0 : 1, Set.of(), cols);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            userIds.put(id, rs.getLong(1));
                        }
                    }
                    written++;
                }
                return written;
            }));
            copied += n;
            present += rows.size() - n;
            after = (Long) rows.get(rows.size() - 1)[0];
        }
        counts.put("users", new Count(copied, present));
    }

    /** Copies one table in chunks, by id where it has one, else by SQLite's rowid (the source is SQLite). */
    private void copy(Table t) throws Exception {
        String key = t.ids() ? "id" : "rowid";
        String select = "SELECT " + String.join(", ", t.columns()) + (t.ids() ? "" : ", rowid") + " FROM " + t.name()
                + " WHERE " + key + " > ? ORDER BY " + key + " LIMIT ?";
        long after = 0;
        long copied = 0;
        long total = 0;
        while (true) {
            long start = after;
            List<Object[]> rows = await(from.transact(c -> read(c, select, start)));
            if (rows.isEmpty()) {
                break;
            }
            long n = await(to.transact(c -> {
                long written = 0;
                Set<Long> taken = t.ids() ? takenIds(c, t.name(), rows) : Set.of();
                for (Object[] r : rows) {
                    boolean keepId = t.ids() && !taken.contains((Long) r[0]);
                    int skip = t.ids() && !keepId ? 1 : 0; // the id is taken here: let the target number it
                    List<String> cols = t.columns().subList(skip, t.columns().size());
                    String sql;
                    if (t.keyless()) {
                        String marks = String.join(", ", java.util.Collections.nCopies(cols.size(), "?"));
                        String same = String.join(" AND ", cols.stream().map(col -> col + " = ?").toList());
                        sql = "INSERT INTO " + t.name() + "(" + String.join(", ", cols) + ") SELECT " + marks
                                + " WHERE NOT EXISTS (SELECT 1 FROM " + t.name() + " WHERE " + same + ")";
                    } else {
                        sql = insert(t.name(), cols, keepId) + " ON CONFLICT DO NOTHING";
                    }
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        int next = bind(ps, 1, r, skip, t.userColumns(), cols);
                        if (t.keyless()) {
                            bind(ps, next, r, skip, t.userColumns(), cols);
                        }
                        written += ps.executeUpdate();
                    }
                }
                return written;
            }));
            copied += n;
            total += rows.size();
            Object[] last = rows.get(rows.size() - 1);
            after = (Long) (t.ids() ? last[0] : last[last.length - 1]);
        }
        counts.put(t.name(), new Count(copied, total - copied));
    }

    private String insert(String table, List<String> cols, boolean explicitId) {
        // PostgreSQL identity columns take an explicit id only when told to; SQLite takes it as it is.
        String override = explicitId && to instanceof PostgresStore ? " OVERRIDING SYSTEM VALUE" : "";
        return "INSERT INTO " + table + "(" + String.join(", ", cols) + ")" + override + " VALUES ("
                + String.join(", ", java.util.Collections.nCopies(cols.size(), "?")) + ")";
    }

    /** Binds {@code row[from..]} for {@code cols} from parameter {@code index}; returns the next index. */
    private int bind(PreparedStatement ps, int index, Object[] row, int from, Set<String> userColumns, List<String> cols)
            throws SQLException {
        for (int i = 0; i < cols.size(); i++) {
            Object v = row[from + i];
            if (v == null) {
                ps.setNull(index++, Types.BIGINT); // the only nullable columns are BIGINT (times, created_by)
            } else if (userColumns.contains(cols.get(i))) {
                ps.setLong(index++, userIds.getOrDefault((Long) v, (Long) v));
            } else {
                ps.setObject(index++, v);
            }
        }
        return index;
    }

    private static Set<Long> takenIds(Connection c, String table, List<Object[]> rows) throws SQLException {
        Set<Long> taken = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE id >= ? AND id <= ?")) {
            ps.setLong(1, (Long) rows.get(0)[0]);
            ps.setLong(2, (Long) rows.get(rows.size() - 1)[0]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    taken.add(rs.getLong(1));
                }
            }
        }
        return taken;
    }

    private static List<Object[]> read(Connection c, String sql, long after) throws SQLException {
        List<Object[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, after);
            ps.setInt(2, CHUNK);
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Object[] row = new Object[n];
                    for (int i = 0; i < n; i++) {
                        Object v = rs.getObject(i + 1);
                        row[i] = v instanceof Integer x ? Long.valueOf(x) : v;
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.await(TIMEOUT_S, TimeUnit.SECONDS);
    }
}
