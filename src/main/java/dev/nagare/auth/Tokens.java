package dev.nagare.auth;

import dev.nagare.store.Store;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer tokens for programs: short-lived ones from {@code POST /api/auth/token} and long-lived
 * API tokens with scopes from {@code nagare token create}. The secret ({@code ngr_...}) is shown
 * once; the store keeps only its SHA-256.
 */
public final class Tokens {
    public static final String PREFIX = "ngr_";
    /** {@link Principal#credential()} of a token: this prefix and the SHA-256 of its secret. */
    public static final String CREDENTIAL_PREFIX = "token:";

    private final Store store;
    private final Revocations revocations;

    /** A stored token, without its secret. */
    public record Info(long id, String username, String name, Set<String> scopes, long createdAt, Long expiresAt) {
    }

    /** A token just created: {@code secret} is returned this once. */
    public record Created(String secret, Info info) {
    }

    public Tokens(Store store) {
        this(store, new Revocations());
    }

    /** Revoking a token fires {@code revocations}: what was opened with it ends too. */
    public Tokens(Store store, Revocations revocations) {
        this.store = store;
        this.revocations = revocations;
    }

    static String credential(String tokenHash) {
        return CREDENTIAL_PREFIX + tokenHash;
    }

    /** {@code ttl} null: valid until revoked. */
    public Future<Created> create(Account account, String name, Set<String> scopes, Duration ttl) {
        String secret = PREFIX + Secrets.random(32);
        long now = System.currentTimeMillis();
        Long expires = ttl == null ? null : now + ttl.toMillis();
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tokens(token_hash, user_id, name, scopes,"
                    + " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
                ps.setString(1, Secrets.sha256(secret));
                ps.setLong(2, account.id());
                ps.setString(3, name);
                ps.setString(4, String.join(" ", scopes));
                ps.setLong(5, now);
                if (expires == null) {
                    ps.setNull(6, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(6, expires);
                }
                try (ResultSet keys = ps.executeQuery()) {
                    keys.next();
                    return new Created(secret, new Info(keys.getLong(1), account.username(), name, scopes, now, expires));
                }
            }
        });
    }

    /** The principal a live token stands for; empty when unknown, expired or malformed. */
    public Future<Optional<Principal>> find(String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 80) {
            return Future.succeededFuture(Optional.empty());
        }
        String hash = Secrets.sha256(secret);
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT t.user_id, u.username, u.role, t.scopes,"
                    + " t.expires_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND u.disabled = 0")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Principal>empty();
                    }
                    long expires = rs.getLong(5);
                    if (!rs.wasNull() && expires < System.currentTimeMillis()) {
                        return Optional.<Principal>empty();
                    }
                    // No scopes: a login token, which acts with the account's role.
                    String scopes = rs.getString(4);
                    return Optional.of(new Principal(rs.getLong(1), rs.getString(2), Role.parse(rs.getString(3)),
                            Accounts.grantsOf(c, rs.getLong(1)), scopes.isBlank() ? null : Scopes.parse(scopes), null,
                            credential(hash)));
                }
            }
        });
    }

    public Future<List<Info>> list() {
        return store.transact(c -> {
            List<Info> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT t.id, u.username, t.name, t.scopes, t.created_at,"
                    + " t.expires_at FROM tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long exp = rs.getLong(6);
                    Long expires = rs.wasNull() ? null : exp;
                    out.add(new Info(rs.getLong(1), rs.getString(2), rs.getString(3), Scopes.parse(rs.getString(4)),
                            rs.getLong(5), expires));
                }
            }
            return out;
        });
    }

    /** Revokes token {@code id}; sockets and streams opened with it end at once. */
    public Future<Boolean> revoke(long id) {
        return store.transact(c -> {
            String hash = null;
            long user = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT token_hash, user_id FROM tokens WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        hash = rs.getString(1);
                        user = rs.getLong(2);
                    }
                }
            }
            if (hash != null) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM tokens WHERE id = ?")) {
                    ps.setLong(1, id);
                    ps.executeUpdate();
                }
                AuthChanges.bump(c);
            }
            return hash == null ? null : Revocations.Revocation.ofCredential(user, credential(hash), "token revoked");
        }).map(r -> {
            if (r != null) {
                revocations.revoke(r);
            }
            return r != null;
        });
    }

    /**
     * Which of {@code credentials} ({@link Principal#credential()} values of tokens) still stand for a
     * live token: it exists, its account exists, and it has not expired.
     */
    public Future<Set<String>> alive(Collection<String> credentials) {
        long now = System.currentTimeMillis();
        return LiveCredentials.lookup(store, credentials, CREDENTIAL_PREFIX, "SELECT t.token_hash, t.expires_at FROM tokens t"
                + " JOIN users u ON u.id = t.user_id WHERE u.disabled = 0 AND t.token_hash IN (", row -> {
                    long expires = row.getLong(2);
                    return row.wasNull() || expires >= now;
                });
    }
}
