package dev.nagare.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.nagare.auth.CredentialRefused;
import dev.nagare.auth.Principal;
import dev.nagare.auth.Role;
import dev.nagare.auth.Scopes;
import dev.nagare.auth.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a JWT and says who it stands for; pure (no I/O: the keys are at hand in {@link JwtKeys}).
 *
 * <p>A token is accepted only when it is a JWS (never {@code alg: none}) whose algorithm a configured
 * key can check ({@link JwtKeys}), its signature holds, it carries {@code exp} and the name claim,
 * {@code exp} and {@code nbf} hold within the clock skew, {@code aud} contains {@code --jwt-audience}
 * and {@code iss} equals {@code --jwt-issuer} when set.
 *
 * <p>Who it is: not a local account. The name is {@code jwt:<name claim>}; local account names cannot
 * hold a colon, so no token can act as a local account, and its id is negative (a hash of the name),
 * so no store row or count keyed by account id is shared with one. What it may do: exactly the rights
 * in the rights claim that are rights ({@code action:resource}; other scopes such as {@code openid}
 * and the bare {@code *} are ignored), not the defaults of any role; an admin only when the claim holds
 * the configured {@code --jwt-admin-scope}.
 */
public final class JwtVerifier {
    /** Longest token looked at: a header this size is not a token of ours. */
    public static final int MAX_LENGTH = 8192;
    /** {@link Principal#credential()} of a JWT: {@code jwt:<deadline epoch seconds>:<sha256 of the token>}. */
    public static final String CREDENTIAL_PREFIX = "jwt:";
    /** Prefix of the principal's name: no local account name has a colon. */
    public static final String NAME_PREFIX = "jwt:";
    private static final int MAX_NAME = 128;

    private final JwtConfig config;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public JwtVerifier(JwtConfig config, JwtKeys keys) {
        this.config = config;
        processor.setJWSKeySelector(keys);
        // RFC 9068 access tokens say typ "at+jwt"; ID tokens and most others "JWT" or nothing.
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"),
                new JOSEObjectType("application/at+jwt"), null));
        JWTClaimsSet exact = config.issuer() == null ? null : new JWTClaimsSet.Builder().issuer(config.issuer()).build();
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(config.audience()),
                exact, Set.of("exp", config.nameClaim()), null);
        claims.setMaxClockSkew((int) config.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** Whether {@code token} is shaped like a JWT (three base64url parts), not like an API token. */
    public static boolean looksLikeJwt(String token) {
        return token != null && token.length() <= MAX_LENGTH && token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*");
    }

    /** The principal {@code token} stands for, or {@link CredentialRefused} saying why not. */
    public Principal verify(String token) {
        if (!looksLikeJwt(token)) {
            throw new CredentialRefused("not a JWT");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new CredentialRefused("malformed JWT (" + e.getMessage() + ")");
        } catch (BadJOSEException | JOSEException e) {
            throw new CredentialRefused(e.getMessage());
        }
        String name = name(claims);
        Set<String> rights = rights(claims);
        boolean admin = config.adminScope() != null && rights.contains(config.adminScope());
        long deadline = claims.getExpirationTime().getTime() / 1000 + config.clockSkew().toSeconds();
        return new Principal(userId(name), name, admin ? Role.ADMIN : Role.USER, rights, admin ? null : rights, null,
                CREDENTIAL_PREFIX + deadline + ":" + Secrets.sha256(token));
    }

    /** When the login behind a JWT credential ends (epoch ms), or -1 when it is not one. */
    public static long deadlineMillis(String credential) {
        if (credential == null || !credential.startsWith(CREDENTIAL_PREFIX)) {
            return -1;
        }
        int colon = credential.indexOf(':', CREDENTIAL_PREFIX.length());
        try {
            return Long.parseLong(credential.substring(CREDENTIAL_PREFIX.length(), colon)) * 1000;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private String name(JWTClaimsSet claims) {
        Object v = claims.getClaim(config.nameClaim());
        if (!(v instanceof String s) || s.isEmpty() || s.length() > MAX_NAME || !s.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new CredentialRefused("the claim '" + config.nameClaim() + "' must be a name of 1 to " + MAX_NAME
                    + " printable ASCII characters without spaces");
        }
        return NAME_PREFIX + s;
    }

    private Set<String> rights(JWTClaimsSet claims) {
        Object v = claims.getClaim(config.rightsClaim());
        List<?> items;
        if (v == null) {
            items = List.of();
        } else if (v instanceof String s) {
            items = List.of(s.split("[,\\s]+"));
        } else if (v instanceof List<?> l) {
            items = l;
        } else {
            throw new CredentialRefused("the claim '" + config.rightsClaim() + "' must be a string or an array of strings");
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object item : items) {
            if (item instanceof String s && (Scopes.isRight(s) || s.equals(config.adminScope()))) {
                out.add(s);
            }
        }
        return out;
    }

    /** A stable negative id for a token's user: never a local account's (positive) nor a guest's (0). */
    static long userId(String name) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("nagare-jwt\n" + name).getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = v << 8 | (h[i] & 0xff);
            }
            return -1 - (v >>> 1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
