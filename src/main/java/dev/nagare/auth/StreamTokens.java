package dev.nagare.auth;

import dev.nagare.store.Store;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring URL tokens that open one media stream ({@code /video/cam1?token=...}) for players
 * and devices that cannot log in or send a header: {@code <img>} on another site, VLC, ffmpeg, Home
 * Assistant's MJPEG camera, NVRs. Self-contained, so a frame never waits on the store:
 *
 * <pre>
 * nst_ BASE64URL(payload) "." BASE64URL(HMAC-SHA256(key, "nagare-stream-url:v1:" + BASE64URL(payload)))
 * payload = "v1 " KIND "/" NAME " " EXPIRY-SECONDS " " ISSUER-USER-ID " " PASSWORD-FINGERPRINT
 * </pre>
 *
 * <p>The key is a random 256-bit secret kept in the store ({@code signing_keys}, created by the first
 * process that needs it), so every node of a cluster and the command line, which share the store,
 * sign and verify with the same one. At open ({@link #find}) one store read checks the issuer: the
 * account must still exist, and its password must be the one it had when the token was minted (the
 * fingerprint is an HMAC of its password hash, whose salt changes with every new password), so
 * deleting the account or changing its password revokes its stream tokens. The principal acts as
 * the issuer, narrowed to the one right {@code join:KIND/NAME}: a token for one stream opens no other.
 * Its credential ({@code stream:<deadline>:<user>:<fingerprint>:<sha256>}) lets {@link RevocationCheck}
 * end open streams at expiry, and {@link Revocations} of the issuer's account end them at once.
 */
public final class StreamTokens {
    public static final String PREFIX = "nst_";
    public static final String CREDENTIAL_PREFIX = "stream:";
    /** The longest life a token may be given. */
    public static final Duration MAX_TTL = Duration.ofDays(366);
    private static final String KEY_NAME = "stream-url";
    private static final String SIGNED = "nagare-stream-url:v1:";
    private static final Pattern STREAM = Pattern.compile("(video|audio)/[a-z0-9][a-z0-9_-]{0,31}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

    private final Store store;
    private volatile byte[] key;

    /** A minted token and when it expires. */
    public record Minted(String token, String stream, long expiresAtMillis) {
    }

    public StreamTokens(Store store) {
        this.store = store;
    }

    /** Whether {@code stream} names a stream a token may open: {@code video/NAME} or {@code audio/NAME}. */
    public static boolean validStream(String stream) {
        return stream != null && STREAM.matcher(stream).matches();
    }

    /** Loads the signing key, creating it on first use (one row, whoever inserts first wins). */
    public Future<StreamTokens> start() {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO signing_keys(name, secret, created_at)"
                    + " VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, KEY_NAME);
                ps.setString(2, Secrets.random(32));
                ps.setLong(3, System.currentTimeMillis());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT secret FROM signing_keys WHERE name = ?")) {
                ps.setString(1, KEY_NAME);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return UNB64.decode(rs.getString(1));
                }
            }
        }).map(k -> {
            key = k;
            return this;
        });
    }

    /**
     * A token opening {@code stream} for {@code ttl}, issued by {@code issuer}, who must have the right to
     * watch it ({@link AuthException} otherwise, with a reason for the user).
     */
    public Future<Minted> mint(Principal issuer, String stream, Duration ttl) {
        if (!validStream(stream)) {
            return Future.failedFuture(new AuthException("A stream is video/NAME or audio/NAME (NAME: 1-32 lower-case letters, digits, '-' or '_')."));
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            return Future.failedFuture(new AuthException("A stream token lives from 1 s to " + MAX_TTL.toDays() + " days."));
        }
        if (issuer == null || issuer.userId() <= 0) {
            return Future.failedFuture(new AuthException("Stream tokens are issued to local accounts only."));
        }
        if (!issuer.may("join", stream)) {
            return Future.failedFuture(new AuthException("Not allowed: " + issuer.username() + " lacks the right join:" + stream + "."));
        }
        return issuer(issuer.userId()).map(found -> {
            if (found == null) {
                throw new AuthException("No account " + issuer.username() + ".");
            }
            long expires = System.currentTimeMillis() / 1000 + Math.max(1, ttl.toSeconds());
            String payload = B64.encodeToString(("v1 " + stream + " " + expires + " " + issuer.userId() + " " + found.fingerprint)
                    .getBytes(StandardCharsets.UTF_8));
            return new Minted(PREFIX + payload + "." + B64.encodeToString(mac(SIGNED + payload)), stream, expires * 1000);
        });
    }

    /**
     * The principal {@code token} stands for; failed with {@link CredentialRefused} (malformed, bad
     * signature, expired, issuer gone or its password changed), never empty.
     */
    public Future<Optional<Principal>> find(String token) {
        Claims claims;
        try {
            claims = verify(token, System.currentTimeMillis());
        } catch (CredentialRefused e) {
            return Future.failedFuture(e);
        }
        return issuer(claims.userId).map(found -> {
            if (found == null) {
                throw new CredentialRefused("its issuer's account no longer exists");
            }
            if (!Secrets.same(found.fingerprint, claims.fingerprint)) {
                throw new CredentialRefused("its issuer's password has changed since it was made");
            }
            String credential = CREDENTIAL_PREFIX + claims.expiresMillis + ":" + claims.userId + ":" + claims.fingerprint
                    + ":" + Secrets.sha256(token);
            return Optional.of(new Principal(claims.userId, found.username, found.role, found.grants,
                    Set.of("join:" + claims.stream), null, credential));
        });
    }

    /** What a well-signed token says. */
    record Claims(String stream, long expiresMillis, long userId, String fingerprint) {
    }

    /** Checks form, signature and expiry (no store access); throws {@link CredentialRefused} with the reason. */
    Claims verify(String token, long nowMillis) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 400) {
            throw new CredentialRefused("not a stream token");
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            throw new CredentialRefused("malformed stream token");
        }
        String payload = token.substring(PREFIX.length(), dot);
        byte[] sig;
        String[] f;
        try {
            sig = UNB64.decode(token.substring(dot + 1));
            f = new String(UNB64.decode(payload), StandardCharsets.UTF_8).split(" ");
        } catch (IllegalArgumentException e) {
            throw new CredentialRefused("malformed stream token");
        }
        if (!MessageDigest.isEqual(sig, mac(SIGNED + payload))) {
            throw new CredentialRefused("bad signature (altered, or signed by another server)");
        }
        if (f.length != 5 || !"v1".equals(f[0]) || !validStream(f[1])) {
            throw new CredentialRefused("malformed stream token");
        }
        long expiresMillis;
        long userId;
        try {
            expiresMillis = Long.parseLong(f[2]) * 1000;
            userId = Long.parseLong(f[3]);
        } catch (NumberFormatException e) {
            throw new CredentialRefused("malformed stream token");
        }
        if (expiresMillis <= nowMillis) {
            throw new CredentialRefused("the stream token expired");
        }
        return new Claims(f[1], expiresMillis, userId, f[4]);
    }

    /** Whether {@code credential} ({@link Principal#credential()}) came from a stream token. */
    public static boolean issued(String credential) {
        return credential != null && credential.startsWith(CREDENTIAL_PREFIX);
    }

    /**
     * Which of {@code credentials} that came from stream tokens still stand: not expired, and their
     * issuer exists with the password it had (see {@link RevocationCheck}).
     */
    public Future<Set<String>> alive(Collection<String> credentials) {
        long now = System.currentTimeMillis();
        Set<String> candidates = new HashSet<>();
        for (String c : credentials) {
            String[] f = issued(c) ? c.split(":") : null;
            if (f != null && f.length == 5 && Long.parseLong(f[1]) > now) {
                candidates.add(c);
            }
        }
        if (candidates.isEmpty()) {
            return Future.succeededFuture(Set.of());
        }
        return store.transact(c -> {
            Set<String> out = new HashSet<>();
            for (String cred : candidates) {
                String[] f = cred.split(":");
                Issuer found = issuer(c, Long.parseLong(f[2]));
                if (found != null && found.fingerprint.equals(f[3])) {
                    out.add(cred);
                }
            }
            return out;
        });
    }

    private record Issuer(String username, Role role, Set<String> grants, String fingerprint) {
    }

    private Future<Issuer> issuer(long userId) {
        return store.transact(c -> issuer(c, userId));
    }

    private Issuer issuer(java.sql.Connection c, long userId) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT username, role, password_hash FROM users WHERE id = ? AND disabled = 0")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null; // deleted, or disabled: its tokens open nothing
                }
                // An HMAC, not the hash itself: the payload is readable by whoever holds the token.
                String fingerprint = B64.encodeToString(Arrays.copyOf(mac("password:" + rs.getString(3)), 9));
                return new Issuer(rs.getString(1), Role.parse(rs.getString(2)), Accounts.grantsOf(c, userId), fingerprint);
            }
        }
    }

    private byte[] mac(String text) {
        byte[] k = key;
        if (k == null) {
            throw new IllegalStateException("StreamTokens.start() has not completed");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(k, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
