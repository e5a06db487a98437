package dev.nagare.auth;

import dev.nagare.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Accounts in the store. Password hashing runs on Vert.x's worker pool (it is slow on purpose),
 * never on the store's single thread nor on an event loop. All SQL is parameterized. A new password
 * or a deletion ends every login of the account (sessions and tokens) in the store, then fires
 * {@link Revocations} so that its live sockets and streams end too.
 */
public final class Accounts {
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{2,31}");

    private final Store store;
    private final Vertx vertx;
    private final PasswordHasher hasher;
    private final Revocations revocations;
    // Verified against when the user does not exist, so both cases take the same time (a full Argon2 run).
    private final String dummyHash;

    public Accounts(Store store, Vertx vertx, PasswordHasher hasher) {
        this(store, vertx, hasher, new Revocations());
    }

    public Accounts(Store store, Vertx vertx, PasswordHasher hasher, Revocations revocations) {
        this.store = store;
        this.vertx = vertx;
        this.hasher = hasher;
        this.revocations = revocations;
        this.dummyHash = hasher.unmatchable();
    }

    /** How many Argon2 password verifications have run (logins, token requests, unknown users included). */
    public long passwordVerifications() {
        return hasher.verifications();
    }

    /** Why {@code username} is not acceptable, or null. */
    public static String usernameProblem(String username) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            return "User name must be 3 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit.";
        }
        return null;
    }

    /** Creates an account; fails with {@link AuthException} (a user-facing reason) when refused. */
    public Future<Account> create(String username, String password, Role role) {
        String bad = usernameProblem(username);
        if (bad != null) {
            return Future.failedFuture(new AuthException(bad));
        }
        return vertx.executeBlocking(() -> checkedHash(password, username), false).compose(hash -> store.transact(c -> {
            if (findRow(c, username) != null) {
                throw new AuthSqlException("User name '" + username + "' is taken.");
            }
            long now = System.currentTimeMillis();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO users(username, password_hash, role, created_at) VALUES (?, ?, ?, ?) RETURNING id")) {
                ps.setString(1, username);
                ps.setString(2, hash);
                ps.setString(3, role.wire());
                ps.setLong(4, now);
                try (ResultSet keys = ps.executeQuery()) {
                    keys.next();
                    return new Account(keys.getLong(1), username, role, now);
                }
            } catch (SQLException e) {
                if (Store.uniqueViolation(e)) { // the same name, created by another node or command meanwhile
                    throw new AuthSqlException("User name '" + username + "' is taken.");
                }
                throw e;
            }
        })).recover(Accounts::unwrap);
    }

    /** The account if {@code password} is right and the account is not disabled; empty otherwise. Takes the same time either way. */
    public Future<Optional<Account>> authenticate(String username, String password) {
        if (username == null || password == null || password.length() > PasswordPolicy.MAX_LENGTH
                || username.length() > 64) {
            return Future.succeededFuture(Optional.empty());
        }
        return store.transact(c -> findRow(c, username)).compose(row -> vertx.executeBlocking(() -> {
            boolean ok = hasher.verify(password, row == null ? dummyHash : row.hash());
            return ok && row != null && !row.disabled() ? Optional.of(row.account()) : Optional.<Account>empty();
        }, false));
    }

    public Future<Void> setPassword(String username, String password) {
        return vertx.executeBlocking(() -> checkedHash(password, username), false).compose(hash -> store.transact(c -> {
            Row row = findRow(c, username);
            if (row == null) {
                throw new AuthSqlException("No user '" + username + "'.");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE users SET password_hash = ? WHERE id = ?")) {
                ps.setString(1, hash);
                ps.setLong(2, row.account().id());
                ps.executeUpdate();
            }
            // A new password ends every login of the account: sessions and tokens (whoever knew the old
            // password may have made some), and through the revocation signal its sockets and streams.
            deleteWhere(c, "DELETE FROM sessions WHERE user_id = ?", row.account().id());
            deleteWhere(c, "DELETE FROM tokens WHERE user_id = ?", row.account().id());
            AuthChanges.bump(c);
            return row.account().id();
        })).recover(Accounts::unwrap).map(id -> {
            revocations.revoke(Revocations.Revocation.ofAccount(id, "password changed"));
            return (Void) null;
        });
    }

    /**
     * Disables the account (it can no longer log in; its sessions and tokens stand for nothing and its
     * live sockets and streams end at once) or enables it again (sessions and tokens that have not
     * expired meanwhile work again). False if there is no such account.
     */
    public Future<Boolean> setDisabled(String username, boolean disabled) {
        return store.transact(c -> {
            Row row = findRow(c, username);
            if (row == null) {
                return 0L;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE users SET disabled = ? WHERE id = ?")) {
                ps.setInt(1, disabled ? 1 : 0);
                ps.setLong(2, row.account().id());
                ps.executeUpdate();
            }
            AuthChanges.bump(c);
            return row.account().id();
        }).map(id -> {
            if (id > 0 && disabled) {
                revocations.revoke(Revocations.Revocation.ofAccount(id, "account disabled"));
            }
            return id > 0;
        });
    }

    /** The names of the disabled accounts. */
    public Future<java.util.Set<String>> disabledNames() {
        return store.transact(c -> {
            java.util.Set<String> out = new java.util.TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT username FROM users WHERE disabled <> 0");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /**
     * Ends every login session of the account (an administrator's "log out everywhere"): its sessions
     * are deleted, and its live sockets and streams end, those opened with API tokens too (the
     * tokens themselves stay; revoke them one by one). False if there is no such account.
     */
    public Future<Boolean> endLogins(String username) {
        return store.transact(c -> {
            Row row = findRow(c, username);
            if (row == null) {
                return 0L;
            }
            deleteWhere(c, "DELETE FROM sessions WHERE user_id = ?", row.account().id());
            AuthChanges.bump(c);
            return row.account().id();
        }).map(id -> {
            if (id > 0) {
                revocations.revoke(Revocations.Revocation.ofAccount(id, "logged out by an administrator"));
            }
            return id > 0;
        });
    }

    /** Deletes the account with its sessions, tokens and grants (cascade); its live access ends. */
    public Future<Boolean> delete(String username) {
        return store.transact(c -> {
            Row row = findRow(c, username);
            if (row == null) {
                return 0L;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM users WHERE id = ?")) {
                ps.setLong(1, row.account().id());
                ps.executeUpdate();
            }
            AuthChanges.bump(c);
            return row.account().id();
        }).map(id -> {
            if (id > 0) {
                revocations.revoke(Revocations.Revocation.ofAccount(id, "account deleted"));
            }
            return id > 0;
        });
    }

    public Future<Optional<Account>> find(String username) {
        return store.transact(c -> {
            Row r = findRow(c, username);
            return r == null ? Optional.<Account>empty() : Optional.of(r.account());
        });
    }

    public Future<List<Account>> list() {
        return store.transact(c -> {
            List<Account> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, username, role, created_at FROM users ORDER BY lower(username), username");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Account(rs.getLong(1), rs.getString(2), Role.parse(rs.getString(3)), rs.getLong(4)));
                }
            }
            return out;
        });
    }

    public Future<Integer> count() {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM users");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** Grants a right (e.g. {@code broadcast:video/*}) to an account. */
    public Future<Void> grant(String username, String right) {
        Scopes.parse(right); // validates the form
        return store.transact(c -> {
            Row row = findRow(c, username);
            if (row == null) {
                throw new AuthSqlException("No user '" + username + "'.");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO grants(user_id, grant_text) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                ps.setLong(1, row.account().id());
                ps.setString(2, right);
                ps.executeUpdate();
            }
            return (Void) null;
        }).recover(Accounts::unwrap);
    }

    public Future<Boolean> revoke(String username, String right) {
        return store.transact(c -> {
            Row row = findRow(c, username);
            if (row == null) {
                throw new AuthSqlException("No user '" + username + "'.");
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM grants WHERE user_id = ? AND grant_text = ?")) {
                ps.setLong(1, row.account().id());
                ps.setString(2, right);
                return ps.executeUpdate() > 0;
            }
        }).recover(Accounts::unwrap);
    }

    public Future<java.util.Set<String>> grants(String username) {
        return store.transact(c -> {
            Row row = findRow(c, username);
            return row == null ? java.util.Set.<String>of() : grantsOf(c, row.account().id());
        });
    }

    static java.util.Set<String> grantsOf(Connection c, long userId) throws SQLException {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT grant_text FROM grants WHERE user_id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private record Row(Account account, String hash, boolean disabled) {
    }

    private static Row findRow(Connection c, String username) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, username, role, created_at, password_hash, disabled FROM users WHERE lower(username) = lower(?)")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Row(new Account(rs.getLong(1), rs.getString(2), Role.parse(rs.getString(3)), rs.getLong(4)),
                        rs.getString(5), rs.getInt(6) != 0);
            }
        }
    }

    static void deleteWhere(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /** A user-facing refusal raised inside a store transaction (rolls it back). */
    static final class AuthSqlException extends SQLException {
        AuthSqlException(String message) {
            super(message);
        }
    }

    /**
     * The hash of an acceptable password; {@link AuthException} with the policy's reason otherwise. On a
     * worker: the policy's breach list is loaded by its first use (not at every start), and that read
     * must not happen on an event loop.
     */
    private String checkedHash(String password, String username) {
        String bad = PasswordPolicy.problem(password, username).orElse(null);
        if (bad != null) {
            throw new AuthException(bad);
        }
        return hasher.hash(password);
    }

    private static <T> Future<T> unwrap(Throwable e) {
        return Future.failedFuture(e instanceof AuthSqlException ? new AuthException(e.getMessage()) : e);
    }
}
