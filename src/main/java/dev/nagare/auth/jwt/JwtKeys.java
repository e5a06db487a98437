package dev.nagare.auth.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys a token's signature may be checked with, chosen by the algorithm its header names, and
 * only by that: HS256/384/512 use the shared secret and nothing else; RS* and PS* only RSA public
 * keys; ES* only EC public keys of the algorithm's curve. So {@code alg: none} finds no key, and a
 * token "signed" with HMAC keyed by the public key's bytes (key confusion) is checked against the
 * shared secret, or, when there is none, finds no key at all.
 *
 * <p>The JWK set from {@code --jwt-jwks-url} is replaced whole by each good refresh ({@link #replaceJwks});
 * readers see one set or the other (a volatile reference). Thread-safe.
 */
public final class JwtKeys implements JWSKeySelector<SecurityContext> {
    static final Set<JWSAlgorithm> HMAC = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);
    static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
    static final Set<JWSAlgorithm> EC = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    /** Keys of a JWK set kept at most (an identity provider publishes a handful). */
    static final int MAX_JWKS_KEYS = 50;
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

    private final SecretKeySpec hmac;
    private final List<JWK> fixed;
    private volatile List<JWK> jwks = List.of();

    public JwtKeys(JwtConfig config) {
        this.hmac = config.hmacSecret() == null ? null : new SecretKeySpec(config.hmacSecret(), "HmacSHA256");
        List<JWK> keys = new ArrayList<>();
        for (PublicKey k : config.publicKeys()) {
            keys.add(toJwk(k));
        }
        this.fixed = List.copyOf(keys);
    }

    /**
     * The public keys of a PEM file ({@code openssl pkey -pubout}: one or more {@code BEGIN PUBLIC KEY}
     * blocks, RSA or EC, e.g. the current key and the next one during a rotation).
     *
     * @throws IllegalArgumentException with a reason fit for the operator
     */
    public static List<PublicKey> readPublicKeys(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read it (" + e.getMessage() + ")");
        }
        List<PublicKey> out = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""));
            out.add(publicKey(der));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no '-----BEGIN PUBLIC KEY-----' block in it (make one with"
                    + " 'openssl pkey -in key.pem -pubout')");
        }
        return out;
    }

    private static PublicKey publicKey(byte[] der) {
        for (String kind : List.of("RSA", "EC")) {
            try {
                PublicKey k = KeyFactory.getInstance(kind).generatePublic(new X509EncodedKeySpec(der));
                if (k instanceof ECPublicKey ec) {
                    if (Curve.forECParameterSpec(ec.getParams()) == null) {
                        throw new IllegalArgumentException("an EC key on a curve JWTs do not use (P-256, P-384, P-521)");
                    }
                } else if (k instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
                    throw new IllegalArgumentException("an RSA key shorter than 2048 bits");
                }
                return k;
            } catch (GeneralSecurityException e) {
                // not this kind: try the next
            }
        }
        throw new IllegalArgumentException("a public key that is neither RSA nor EC");
    }

    private static JWK toJwk(PublicKey k) {
        if (k instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).build();
        }
        ECPublicKey ec = (ECPublicKey) k;
        return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
    }

    /**
     * Takes the signing keys of a fetched JWK set (public RSA and EC keys, {@code use} absent or
     * {@code sig}, at most {@value #MAX_JWKS_KEYS}); returns how many. Throws when none is usable, so
     * that the last good set stays.
     */
    int replaceJwks(JWKSet set) {
        List<JWK> usable = new ArrayList<>();
        for (JWK k : set.getKeys()) {
            boolean kind = k.getKeyType() == KeyType.RSA || k.getKeyType() == KeyType.EC;
            if (kind && !k.isPrivate() && (k.getKeyUse() == null || k.getKeyUse() == KeyUse.SIGNATURE)
                    && usable.size() < MAX_JWKS_KEYS) {
                usable.add(k);
            }
        }
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("the JWK set holds no public RSA or EC signing key");
        }
        jwks = List.copyOf(usable);
        return usable.size();
    }

    /** The algorithms some configured key can check. */
    Set<JWSAlgorithm> algorithms(boolean jwksConfigured) {
        Set<JWSAlgorithm> out = new java.util.HashSet<>();
        if (hmac != null) {
            out.addAll(HMAC);
        }
        if (jwksConfigured || fixed.stream().anyMatch(k -> k.getKeyType() == KeyType.RSA)) {
            out.addAll(RSA);
        }
        if (jwksConfigured || fixed.stream().anyMatch(k -> k.getKeyType() == KeyType.EC)) {
            out.addAll(EC);
        }
        return Set.copyOf(out);
    }

    @Override
    public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) {
        JWSAlgorithm alg = header.getAlgorithm();
        if (HMAC.contains(alg)) {
            return hmac == null ? List.of() : List.of(hmac);
        }
        KeyType type = RSA.contains(alg) ? KeyType.RSA : EC.contains(alg) ? KeyType.EC : null;
        if (type == null) {
            return List.of();
        }
        List<Key> out = new ArrayList<>();
        for (List<JWK> keys : List.of(fixed, jwks)) {
            for (JWK k : keys) {
                if (k.getKeyType() != type
                        || k.getAlgorithm() != null && !k.getAlgorithm().equals(alg)
                        // A token naming its key is checked with that key only; keys without an id (a PEM file) match any.
                        || header.getKeyID() != null && k.getKeyID() != null && !header.getKeyID().equals(k.getKeyID())
                        || type == KeyType.EC && !Curve.forJWSAlgorithm(alg).contains(((ECKey) k).getCurve())) {
                    continue;
                }
                try {
                    out.add(((AsymmetricJWK) k).toPublicKey());
                } catch (com.nimbusds.jose.JOSEException e) {
                    // a malformed key in the set: skip it
                }
            }
        }
        return out;
    }
}
