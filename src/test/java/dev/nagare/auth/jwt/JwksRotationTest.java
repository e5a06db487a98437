package dev.nagare.auth.jwt;

import static dev.nagare.auth.jwt.TokenMint.AUDIENCE;
import static dev.nagare.auth.jwt.TokenMint.claims;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keys from an identity provider's JWK set, served by a tiny HTTP server and refreshed every second:
 * a rotation is picked up, a failing fetch keeps the last good set, and with public keys only, a
 * token "signed" by HMAC over the public key finds no key at all.
 */
class JwksRotationTest {
    static final AtomicReference<String> served = new AtomicReference<>();
    static final AtomicInteger status = new AtomicInteger(200);
    /** Completed by the JWK set server when it next serves {@link #served}'s current value. */
    static volatile CompletableFuture<String> nextFetch = new CompletableFuture<>();
    static HttpServer idp;
    static TestServer server;
    static RSAKey keyA;
    static RSAKey keyB;

    @BeforeAll
    static void start() throws Exception {
        keyA = new RSAKeyGenerator(2048).keyID("a").generate();
        keyB = new RSAKeyGenerator(2048).keyID("b").generate();
        served.set(new JWKSet(keyA.toPublicJWK()).toString());
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/jwks.json", ex -> {
            String body = served.get();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status.get(), bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
            nextFetch.complete(status.get() + " " + body);
        });
        idp.start();
        server = new TestServer(Map.of(Setting.JWT_JWKS_URL, "http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks.json",
                Setting.JWT_JWKS_REFRESH, "1", Setting.JWT_AUDIENCE, AUDIENCE));
        server.beforeAll(null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.afterAll(null);
        }
        if (idp != null) {
            idp.stop(0);
        }
    }

    private static String token(RSAKey key) throws Exception {
        JWTClaimsSet c = claims("frank", "join:*", Duration.ofMinutes(5)).build();
        return TokenMint.sign(c, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), key.toPrivateKey());
    }

    private static JsonObject session(String token) {
        return new JsonObject(server.send(HttpRequest.newBuilder(server.uri("/api/auth/session"))
                .header("Authorization", "Bearer " + token).build()).body());
    }

    /** Only for tokens that are refused: an accepted one would stream on. */
    private static HttpResponse<String> video(String token) {
        return server.send(HttpRequest.newBuilder(server.uri("/video_feed")).header("Authorization", "Bearer " + token).build());
    }

    /** Waits until the server has fetched the set served now and, polling, until {@code token}'s login answers {@code accepted}. */
    private static void awaitRefresh(String token, boolean accepted) throws Exception {
        nextFetch = new CompletableFuture<>();
        nextFetch.get(10, TimeUnit.SECONDS);
        // The fetch is served; the server parses and swaps it right after, and says so only in its log: poll briefly.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (session(token).getBoolean("authenticated") != accepted && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    void aRotationIsPickedUpAtTheNextRefreshAndAFailedFetchKeepsTheLastGoodSet() throws Exception {
        String byA = token(keyA);
        String byB = token(keyB);
        assertThat(session(byA).getString("username")).isEqualTo("jwt:frank");
        assertThat(session(byB).getBoolean("authenticated")).isFalse();

        served.set(new JWKSet(keyB.toPublicJWK()).toString()); // the identity provider rotates
        awaitRefresh(byB, true);
        assertThat(session(byB).getString("username")).isEqualTo("jwt:frank");
        assertThat(session(byA).getBoolean("authenticated")).isFalse();

        status.set(500); // the identity provider fails: the last good set stays
        served.set("{\"error\":\"down\"}");
        nextFetch = new CompletableFuture<>();
        assertThat(nextFetch.get(10, TimeUnit.SECONDS)).startsWith("500");
        nextFetch = new CompletableFuture<>();
        nextFetch.get(10, TimeUnit.SECONDS); // a second failure: the first has surely been handled
        assertThat(session(byB).getBoolean("authenticated")).isTrue();
        status.set(200);
        served.set(new JWKSet(keyB.toPublicJWK()).toString());
    }

    @Test
    void withPublicKeysOnlyAnHmacTokenKeyedByThePublicKeyFindsNoKey() throws Exception {
        JWTClaimsSet c = claims("mallory", "join:*", Duration.ofMinutes(5)).build();
        for (RSAKey k : new RSAKey[] {keyA, keyB}) {
            for (byte[] confused : new byte[][] {k.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
                    k.toRSAPublicKey().getEncoded()}) {
                String forged = TokenMint.sign(c, new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(k.getKeyID()).build(), confused);
                HttpResponse<String> res = video(forged);
                assertThat(res.statusCode()).isEqualTo(401);
                assertThat(session(forged).getBoolean("authenticated")).isFalse();
            }
        }
        String forged = TokenMint.sign(c, JWSAlgorithm.HS256, keyB.toRSAPublicKey().getEncoded());
        assertThat(video(forged).body()).contains("Token refused: Signed JWT rejected: Another algorithm expected, or no matching key(s) found");
    }
}
