package dev.nagare.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.nagare.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keys made by {@code openssl genpkey} and tokens minted with Nimbus, as an identity provider would:
 * the server under test reads only the public halves (PEM) and the shared secret.
 */
final class TokenMint {
    static final String ISSUER = "https://idp.example";
    static final String AUDIENCE = "nagare";

    private TokenMint() {
    }

    /** An RSA (2048) or EC (P-256) key pair: {@code name.pem} (PKCS#8 private) and {@code name.pub}. */
    static PrivateKey openssl(Path dir, String name, String kind) throws IOException, InterruptedException {
        Path openssl = Tools.require("openssl", "apt-get install openssl", "/usr/bin/openssl", "/usr/local/bin/openssl");
        Path pem = dir.resolve(name + ".pem");
        List<String> gen = kind.equals("RSA")
                ? List.of(openssl.toString(), "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pem.toString())
                : List.of(openssl.toString(), "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pem.toString());
        run(gen);
        run(List.of(openssl.toString(), "pkey", "-in", pem.toString(), "-pubout", "-out", dir.resolve(name + ".pub").toString()));
        String body = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance(kind).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code openssl rand -hex 32}: 64 characters, the shared secret's first line. */
    static Path secret(Path dir) throws IOException, InterruptedException {
        Path file = dir.resolve("hmac.secret");
        Process p = new ProcessBuilder("openssl", "rand", "-hex", "32").redirectOutput(file.toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl rand failed");
        }
        return file;
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** Claims as the identity provider issues them: this issuer and audience, valid for {@code ttl}. */
    static JWTClaimsSet.Builder claims(String subject, String scope, Duration ttl) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience(AUDIENCE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl))).claim("scope", scope);
    }

    static String sign(JWTClaimsSet claims, JWSAlgorithm alg, Object key) {
        return sign(claims, new JWSHeader.Builder(alg).build(), key);
    }

    static String sign(JWTClaimsSet claims, JWSHeader header, Object key) {
        try {
            JWSSigner signer = key instanceof byte[] secret ? new MACSigner(secret)
                    : key instanceof ECPrivateKey ec ? new ECDSASigner(ec)
                    : new RSASSASigner((PrivateKey) key);
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same claims, unsigned: {@code {"alg":"none"}} and an empty signature. */
    static String unsigned(JWTClaimsSet claims) {
        return Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Base64URL.encode(claims.toString()) + ".";
    }

    /** {@code token} with one character of its signature changed. */
    static String tampered(String token) {
        char[] c = token.toCharArray();
        int i = token.lastIndexOf('.') + 5;
        c[i] = c[i] == 'A' ? 'B' : 'A';
        return new String(c);
    }
}
