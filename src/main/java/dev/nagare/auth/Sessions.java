package dev.nagare.auth;

import dev.nagare.store.Store;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Optional;

/**
 * Login sessions, stored server-side (so logout really ends them and they survive a restart).
 * The cookie carries a random 256-bit id; the store keeps only its SHA-256. A new id is issued at
 * every login, so a planted id is useless (no session fixation). Idle and absolute timeouts apply.
 */
public final class Sessions {
    public static final String COOKIE = "nagare_session";
    private static final long TOUCH_EVERY_MS = 60_000;

    private final Store store;
    private final long idleMs;
    private final long absoluteMs;
    private final java.util.function.LongSupplier clock; // epoch ms; replaceable in tests

    /** A session just created: {@code id} is the cookie value, returned this once. */
    public record Created(String id, Principal principal) {
    }

    public Sessions(Store store, Duration idle, Duration absolute) {
        this(store, idle, absolute, System::currentTimeMillis);
    }

    Sessions(Store store, Duration idle, Duration absolute, java.util.function.LongSupplier clock) {
        this.store = store;
        this.idleMs = idle.toMillis();
        this.absoluteMs = absolute.toMillis();
        this.clock = clock;
    }

    public Future<Created> create(Account account) {
        String id = Secrets.random(32);
        String csrf = Secrets.random(32);
        long now = clock.getAsLong();
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO sessions(id_hash, user_id, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, Secrets.sha256(id));
                ps.setLong(2, account.id());
                ps.setString(3, csrf);
                ps.setLong(4, now);
                ps.setLong(5, now);
                ps.executeUpdate();
            }
            return new Created(id, new Principal(account.id(), account.username(), account.role(),
                    Accounts.grantsOf(c, account.id()), null, csrf));
        });
    }

    /** The principal of a live session, refreshing its idle timer; empty when unknown or expired. */
    public Future<Optional<Principal>> find(String id) {
        if (id == null || id.length() < 20 || id.length() > 64) {
            return Future.succeededFuture(Optional.empty());
        }
        String hash = Secrets.sha256(id);
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT s.user_id, u.username, u.role, s.csrf, s.created_at, s.last_seen FROM sessions s"
                            + " JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Principal>empty();
                    }
                    long now = clock.getAsLong();
                    long created = rs.getLong(5);
                    long lastSeen = rs.getLong(6);
                    Principal p = new Principal(rs.getLong(1), rs.getString(2), Role.parse(rs.getString(3)),
                            Accounts.grantsOf(c, rs.getLong(1)), null, rs.getString(4));
                    if (now - lastSeen > idleMs || now - created > absoluteMs) {
                        delete(c, hash);
                        return Optional.<Principal>empty();
                    }
                    if (now - lastSeen > TOUCH_EVERY_MS) {
                        try (PreparedStatement up = c.prepareStatement(
                                "UPDATE sessions SET last_seen = ? WHERE id_hash = ?")) {
                            up.setLong(1, now);
                            up.setString(2, hash);
                            up.executeUpdate();
                        }
                    }
                    return Optional.of(p);
                }
            }
        });
    }

    /** Ends the session on the server; the cookie is then worthless. */
    public Future<Void> destroy(String id) {
        if (id == null) {
            return Future.succeededFuture();
        }
        return store.transact(c -> {
            delete(c, Secrets.sha256(id));
            return null;
        });
    }

    private static void delete(java.sql.Connection c, String hash) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE id_hash = ?")) {
            ps.setString(1, hash);
            ps.executeUpdate();
        }
    }
}
