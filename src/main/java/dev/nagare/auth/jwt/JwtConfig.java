package dev.nagare.auth.jwt;

import java.net.URI;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;

/**
 * Which JSON Web Tokens from the user's identity provider are accepted ({@code --jwt-*}), with the
 * key material already read and checked when the settings were resolved.
 *
 * @param hmacSecret the shared secret for HS256/384/512 (at least 32 bytes), or null
 * @param publicKeys RSA and EC public keys for RS*, PS* and ES* (from a PEM file), possibly empty
 * @param jwksUrl a JWK set fetched at start and every {@code jwksRefresh}, or null
 * @param issuer the {@code iss} a token must carry, or null for any
 * @param audience the value {@code aud} must contain (required: a token minted for another service is refused)
 * @param rightsClaim the claim holding rights such as {@code join:chat/general} (a space- or comma-separated string, or an array)
 * @param nameClaim the claim naming the user; the principal is {@code jwt:<value>}
 * @param adminScope a value of the rights claim that makes the holder an admin, or null for never
 * @param clockSkew how far {@code exp} and {@code nbf} may be off; a socket ends at {@code exp} plus this
 */
public record JwtConfig(byte[] hmacSecret, List<PublicKey> publicKeys, URI jwksUrl, Duration jwksRefresh,
        String issuer, String audience, String rightsClaim, String nameClaim, String adminScope, Duration clockSkew) {

    /** Bytes of a JWK set document read at most; a larger answer is a failed refresh. */
    public static final int MAX_JWKS_BYTES = 256 * 1024;
    /** How long one JWK set request may take, connection included. */
    public static final Duration JWKS_TIMEOUT = Duration.ofSeconds(5);

    public JwtConfig {
        publicKeys = publicKeys == null ? List.of() : List.copyOf(publicKeys);
        hmacSecret = hmacSecret == null ? null : hmacSecret.clone();
    }

    @Override
    public String toString() {
        // Never the secret.
        return "JwtConfig[hmac=" + (hmacSecret != null) + ", publicKeys=" + publicKeys.size() + ", jwks=" + jwksUrl
                + ", issuer=" + issuer + ", audience=" + audience + "]";
    }
}
