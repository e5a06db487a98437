package dev.nagare.auth;

import dev.nagare.store.Store;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * Login sessions, stored server-side (so logout really ends them and they survive a restart).
 * The cookie carries a random 256-bit id; the store keeps only its SHA-256. A new id is issued at
 * every login, so a planted id is useless (no session fixation). Idle and absolute timeouts apply.
 */
public final class Sessions {
    public static final String COOKIE = "nagare_session";
    /** {@link Principal#credential()} of a session: this prefix and the SHA-256 of its id. */
    public static final String CREDENTIAL_PREFIX = "session:";
    private static final long TOUCH_EVERY_MS = 60_000;

    private final Store store;
    private final long idleMs;
    private final long absoluteMs;
    private final java.util.function.LongSupplier clock; // epoch ms; replaceable in tests
    private final Revocations revocations;

    /** A session just created: {@code id} is the cookie value, returned this once. */
    public record Created(String id, Principal principal) {
    }

    public Sessions(Store store, Duration idle, Duration absolute) {
        this(store, idle, absolute, new Revocations());
    }

    /** Ending a session (logout, or the next login in that browser) fires {@code revocations}. */
    public Sessions(Store store, Duration idle, Duration absolute, Revocations revocations) {
        this(store, idle, absolute, System::currentTimeMillis, revocations);
    }

    Sessions(Store store, Duration idle, Duration absolute, java.util.function.LongSupplier clock) {
        this(store, idle, absolute, clock, new Revocations());
    }

    Sessions(Store store, Duration idle, Duration absolute, java.util.function.LongSupplier clock,
            Revocations revocations) {
        this.store = store;
        this.idleMs = idle.toMillis();
        this.absoluteMs = absolute.toMillis();
        this.clock = clock;
        this.revocations = revocations;
    }

    static String credential(String idHash) {
        return CREDENTIAL_PREFIX + idHash;
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
                    Accounts.grantsOf(c, account.id()), null, csrf, credential(Secrets.sha256(id))));
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
                            + " JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND u.disabled = 0")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Principal>empty();
                    }
                    long now = clock.getAsLong();
                    long created = rs.getLong(5);
                    long lastSeen = rs.getLong(6);
                    Principal p = new Principal(rs.getLong(1), rs.getString(2), Role.parse(rs.getString(3)),
                            Accounts.grantsOf(c, rs.getLong(1)), null, rs.getString(4), credential(hash));
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

    /**
     * Ends the session on the server; the cookie is then worthless, and whatever was opened with it
     * (sockets, streams) is ended with {@code reason} (see {@link Revocations}).
     */
    public Future<Void> destroy(String id, String reason) {
        if (id == null || id.length() > 64) {
            return Future.succeededFuture();
        }
        String hash = Secrets.sha256(id);
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT user_id FROM sessions WHERE id_hash = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    long user = rs.next() ? rs.getLong(1) : 0;
                    if (user > 0) {
                        delete(c, hash);
                        AuthChanges.bump(c);
                    }
                    return user;
                }
            }
        }).map(user -> {
            if (user > 0) {
                revocations.revoke(Revocations.Revocation.ofCredential(user, credential(hash), reason));
            }
            return (Void) null;
        });
    }

    public Future<Void> destroy(String id) {
        return destroy(id, "logged out");
    }

    /**
     * Which of {@code credentials} ({@link Principal#credential()} values of sessions) still stand for
     * a live session: it exists, its account exists and it is within the absolute timeout. The idle
     * timeout is not applied: it is about requests, and an open socket or stream is not idle.
     */
    public Future<Set<String>> alive(Collection<String> credentials) {
        long now = clock.getAsLong();
        return LiveCredentials.lookup(store, credentials, CREDENTIAL_PREFIX, "SELECT s.id_hash, s.created_at FROM sessions s"
                + " JOIN users u ON u.id = s.user_id WHERE u.disabled = 0 AND s.id_hash IN (", row -> now - row.getLong(2) <= absoluteMs);
    }

    private static void delete(java.sql.Connection c, String hash) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE id_hash = ?")) {
            ps.setString(1, hash);
            ps.executeUpdate();
        }
    }
}
