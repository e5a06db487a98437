package dev.nagare.apps.chat;

import dev.nagare.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Chat history in the store. Appends are group-committed: while one transaction is being written,
 * new messages wait and go together in the next one, so a busy room costs one commit per batch, not
 * per message, and a message is acked only once its batch is durable. Append is event-loop only
 * (the home context); the other calls may come from anywhere.
 */
public final class ChatLog {
    /** More waiting appends than this and new ones are refused at once (the store is not keeping up). */
    static final int MAX_PENDING = 20_000;
    private static final String COLUMNS =
            "id, room, user_id, username, client_id, text, created_at, edited_at, deleted_at";

    /** An append's outcome: the stored message, and whether it was already there (a retry). */
    public record Appended(ChatMessage message, boolean duplicate) {
    }

    private record Pending(String room, long userId, String user, String clientId, String text, long ts,
            Promise<Appended> promise) {
    }

    private final Store store;
    // Event-loop only:
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private boolean writing;

    public ChatLog(Store store) {
        this.store = store;
    }

    public Future<Appended> append(String room, long userId, String user, String clientId, String text, long ts) {
        if (pending.size() >= MAX_PENDING) {
            return Future.failedFuture(new IllegalStateException("the message store is overloaded"));
        }
        Promise<Appended> p = Promise.promise();
        pending.add(new Pending(room, userId, user, clientId, text, ts, p));
        if (!writing) {
            writeBatch();
        }
        return p.future();
    }

    private void writeBatch() {
        List<Pending> batch = new ArrayList<>(pending);
        pending.clear();
        writing = true;
        store.transact(c -> {
            // One bad message (a room deleted meanwhile) fails alone: each runs under its own savepoint,
            // because on PostgreSQL a failed statement would otherwise abort the whole batch.
            List<Object> out = new ArrayList<>(batch.size());
            for (Pending m : batch) {
                Savepoint sp = c.setSavepoint();
                try {
                    out.add(insert(c, m));
                    c.releaseSavepoint(sp);
                } catch (SQLException e) {
                    c.rollback(sp);
                    out.add(e);
                }
            }
            return out;
        }).onComplete(ar -> {
            for (int i = 0; i < batch.size(); i++) {
                Promise<Appended> p = batch.get(i).promise();
                if (ar.failed()) {
                    p.fail(ar.cause());
                } else if (ar.result().get(i) instanceof Appended a) {
                    p.complete(a);
                } else {
                    p.fail((Throwable) ar.result().get(i));
                }
            }
            writing = false;
            if (!pending.isEmpty()) {
                writeBatch();
            }
        });
    }

    private static Appended insert(Connection c, Pending m) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO chat_messages"
                + "(room, user_id, username, client_id, text, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
            ps.setString(1, m.room());
            ps.setLong(2, m.userId());
            ps.setString(3, m.user());
            ps.setString(4, m.clientId());
            ps.setString(5, m.text());
            ps.setLong(6, m.ts());
            boolean inserted = ps.executeUpdate() == 1;
            try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM chat_messages WHERE user_id = ? AND client_id = ?")) {
                q.setLong(1, m.userId());
                q.setString(2, m.clientId());
                List<ChatMessage> found = read(q);
                if (found.isEmpty()) {
                    throw new SQLException("message not stored (room " + m.room() + " missing?)");
                }
                return new Appended(found.get(0), !inserted);
            }
        }
    }

    /** The newest {@code limit} messages of a room with ids below {@code beforeId} (0: the newest), oldest first. */
    public Future<List<ChatMessage>> before(String room, long beforeId, int limit) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM chat_messages WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?")) {
                ps.setString(1, room);
                ps.setLong(2, beforeId <= 0 ? Long.MAX_VALUE : beforeId);
                ps.setInt(3, limit);
                List<ChatMessage> out = read(ps);
                Collections.reverse(out);
                return out;
            }
        });
    }

    /** Up to {@code limit} messages of a room with ids above {@code afterId}, oldest first. */
    public Future<List<ChatMessage>> after(String room, long afterId, int limit) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM chat_messages WHERE room = ? AND id > ? ORDER BY id LIMIT ?")) {
                ps.setString(1, room);
                ps.setLong(2, afterId);
                ps.setInt(3, limit);
                return read(ps);
            }
        });
    }

    public Future<Optional<ChatMessage>> find(long id) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM chat_messages WHERE id = ?")) {
                ps.setLong(1, id);
                return read(ps).stream().findFirst();
            }
        });
    }

    /** Replaces the text of a live message; empty when it is gone or deleted. */
    public Future<Optional<ChatMessage>> edit(long id, String text, long ts) {
        return change(id, "UPDATE chat_messages SET text = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL",
                text, ts);
    }

    /** Marks a message deleted and drops its text; empty when it is gone or already deleted. */
    public Future<Optional<ChatMessage>> delete(long id, long ts) {
        return change(id, "UPDATE chat_messages SET text = ?, deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                "", ts);
    }

    private Future<Optional<ChatMessage>> change(long id, String sql, String text, long ts) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, text);
                ps.setLong(2, ts);
                ps.setLong(3, id);
                if (ps.executeUpdate() == 0) {
                    return Optional.<ChatMessage>empty();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM chat_messages WHERE id = ?")) {
                ps.setLong(1, id);
                return read(ps).stream().findFirst();
            }
        });
    }

    /** How many messages a room holds (deleted ones included). */
    public Future<Long> count(String room) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM chat_messages WHERE room = ?")) {
                ps.setString(1, room);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** A stored room: its name and who made it (0: built in, such as general). */
    public record StoredRoom(String name, long createdBy) {
    }

    /** Every room, in creation order. */
    public Future<List<StoredRoom>> rooms() {
        return store.transact(c -> {
            List<StoredRoom> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name, created_by FROM chat_rooms ORDER BY created_at, name");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredRoom(rs.getString(1), rs.getLong(2))); // NULL reads as 0
                }
            }
            return out;
        });
    }

    /** Deletes a room and its messages; false when there was no such room. */
    public Future<Boolean> deleteRoom(String name) {
        return store.transact(c -> {
            try (PreparedStatement messages = c.prepareStatement("DELETE FROM chat_messages WHERE room = ?");
                    PreparedStatement room = c.prepareStatement("DELETE FROM chat_rooms WHERE name = ?")) {
                messages.setString(1, name);
                messages.executeUpdate();
                room.setString(1, name);
                return room.executeUpdate() == 1;
            }
        });
    }

    /** Creates a room; false when one of that name exists. */
    public Future<Boolean> createRoom(String name, long userId, long ts) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO chat_rooms(name, created_by, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, name);
                ps.setLong(2, userId);
                ps.setLong(3, ts);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static List<ChatMessage> read(PreparedStatement ps) throws SQLException {
        List<ChatMessage> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long edited = rs.getLong(8);
                Long editedAt = rs.wasNull() ? null : edited;
                rs.getLong(9);
                boolean deleted = !rs.wasNull();
                out.add(new ChatMessage(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getLong(7), editedAt, deleted));
            }
        }
        return out;
    }
}
