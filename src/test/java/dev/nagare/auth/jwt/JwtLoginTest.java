package dev.nagare.auth.jwt;

import static dev.nagare.auth.jwt.TokenMint.AUDIENCE;
import static dev.nagare.auth.jwt.TokenMint.ISSUER;
import static dev.nagare.auth.jwt.TokenMint.claims;
import static dev.nagare.auth.jwt.TokenMint.sign;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.nagare.auth.http.HttpGuard;
import dev.nagare.server.Setting;
import dev.nagare.testing.NodeScript;
import dev.nagare.testing.TestServer;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * JWTs from an identity provider (keys by openssl, tokens by Nimbus) against the real server: which
 * are accepted over HTTP and Socket.IO, which are refused and with what reason, what their rights
 * allow, and how a login by JWT ends at its expiry.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JwtLoginTest {
    static Path dir;
    static byte[] secret;
    static PrivateKey rsa;
    static PrivateKey ec;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("nagare-jwt-");
        secret = Files.readAllLines(TokenMint.secret(dir)).get(0).strip().getBytes(StandardCharsets.UTF_8);
        rsa = TokenMint.openssl(dir, "rsa", "RSA");
        ec = TokenMint.openssl(dir, "ec", "EC");
        // Both public keys in one PEM file, as during a rotation.
        Path keys = dir.resolve("keys.pub");
        Files.writeString(keys, Files.readString(dir.resolve("rsa.pub")) + Files.readString(dir.resolve("ec.pub")));
        server = new TestServer(Map.of(Setting.JWT_HMAC_SECRET_FILE, dir.resolve("hmac.secret").toString(),
                Setting.JWT_PUBLIC_KEY, keys.toString(), Setting.JWT_ISSUER, ISSUER, Setting.JWT_AUDIENCE, AUDIENCE,
                Setting.JWT_CLOCK_SKEW, "0", Setting.JWT_ADMIN_SCOPE, "nagare:admin"));
        server.beforeAll(null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.afterAll(null);
        }
    }

    private static HttpResponse<String> get(String path, String token) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token).GET().build());
    }

    private static JsonObject session(String token) {
        return new JsonObject(get("/api/auth/session", token).body());
    }

    /** Connects the official Java client to {@code namespace}: "connected", or the CONNECT_ERROR's message and data. */
    private static String connect(String namespace, String token) throws Exception {
        Socket client = IO.socket(URI.create(server.baseUrl() + namespace), IO.Options.builder()
                .setTransports(new String[] {"websocket"}).setReconnection(false).setForceNew(true)
                .setAuth(Map.of("token", token)).build());
        try {
            CompletableFuture<String> outcome = new CompletableFuture<>();
            client.on(Socket.EVENT_CONNECT, a -> outcome.complete("connected"));
            client.on(Socket.EVENT_CONNECT_ERROR, a -> outcome.complete(a[0] instanceof JSONObject j
                    ? j.optString("message") + " " + j.optJSONObject("data") : String.valueOf(a[0])));
            client.connect();
            return outcome.get(10, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    @Test
    void hs256Rs256AndEs256TokensLogInAsJwtUsersNeverAsLocalAccounts() throws Exception {
        JWTClaimsSet c = claims("alice", "join:chat/general", Duration.ofMinutes(5)).build();
        for (String token : new String[] {sign(c, JWSAlgorithm.HS256, secret), sign(c, JWSAlgorithm.RS256, rsa),
                sign(c, JWSAlgorithm.ES256, ec), sign(c, JWSAlgorithm.PS256, rsa)}) {
            JsonObject s = session(token);
            assertThat(s.getBoolean("authenticated")).as(s.encode()).isTrue();
            assertThat(s.getString("username")).isEqualTo("jwt:alice");
            assertThat(s.getString("role")).isEqualTo("user");
            assertThat(connect("/", token)).isEqualTo("connected");
        }
        // A subject named like the local admin is still not the admin.
        String admin = sign(claims("admin", "join:*", Duration.ofMinutes(5)).build(), JWSAlgorithm.RS256, rsa);
        assertThat(session(admin).getString("username")).isEqualTo("jwt:admin");
        assertThat(session(admin).getString("role")).isEqualTo("user");
        assertThat(get("/metrics", admin).statusCode()).isEqualTo(403);
    }

    @Test
    @Order(1) // first: refusals are logged once a second at most, and no other refusal may have just been logged
    void badTokensAreRefusedWithTheirReasonOverHttpAndSocketIo() throws Exception {
        record Bad(String reason, String token) {
        }
        JWTClaimsSet ok = claims("bob", "join:*", Duration.ofMinutes(5)).build();
        List<Bad> bad = List.of(
                new Bad("Expired JWT", sign(claims("bob", "join:*", Duration.ofMinutes(-5)).build(), JWSAlgorithm.RS256, rsa)),
                new Bad("JWT before use time", sign(claims("bob", "join:*", Duration.ofMinutes(60))
                        .notBeforeTime(new Date(System.currentTimeMillis() + 3_600_000)).build(), JWSAlgorithm.RS256, rsa)),
                new Bad("JWT iss claim value rejected", sign(claims("bob", "join:*", Duration.ofMinutes(5))
                        .issuer("https://evil.example").build(), JWSAlgorithm.ES256, ec)),
                new Bad("JWT aud claim rejected", sign(claims("bob", "join:*", Duration.ofMinutes(5))
                        .audience("another-service").build(), JWSAlgorithm.HS256, secret)),
                new Bad("JWT missing required claims: [exp]", sign(claims("bob", "join:*", Duration.ofMinutes(5))
                        .expirationTime(null).build(), JWSAlgorithm.ES256, ec)),
                new Bad("Invalid signature", TokenMint.tampered(sign(ok, JWSAlgorithm.RS256, rsa))),
                // alg none: an unsecured JWT, never accepted.
                new Bad("Unsecured (plain) JWTs are rejected", TokenMint.unsigned(ok)),
                // Key confusion: HMAC keyed with the public key's bytes is checked against the shared secret only.
                new Bad("Invalid signature", sign(ok, JWSAlgorithm.HS256, Files.readAllBytes(dir.resolve("rsa.pub")))));
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(HttpGuard.class)).addAppender(log);
        try {
            for (Bad b : bad) {
                HttpResponse<String> video = get("/video_feed", b.token());
                assertThat(video.statusCode()).as(b.reason()).isEqualTo(401);
                JsonObject body = new JsonObject(video.body());
                assertThat(body.getString("error")).isEqualTo("unauthorized");
                assertThat(body.getString("message")).as(b.reason()).startsWith("Token refused: ").contains(b.reason());
                assertThat(connect("/", b.token())).as(b.reason())
                        .startsWith("token refused").contains("TOKEN_REFUSED", b.reason());
            }
        } finally {
            ((Logger) LoggerFactory.getLogger(HttpGuard.class)).detachAppender(log);
        }
        // One line a second at most: the first refusal is there, with its reason.
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.startsWith("Bearer token refused on GET /video_feed from 127.0.0.1: Expired JWT"));
    }

    @Test
    void theRightsClaimIsAllATokenMayDoJoinChatGeneralButNotWatchVideo() throws Exception {
        String token = sign(claims("carol", "openid join:chat/general *", Duration.ofMinutes(5)).build(),
                JWSAlgorithm.ES256, ec);
        Socket chat = IO.socket(URI.create(server.baseUrl() + "/chat"), IO.Options.builder()
                .setTransports(new String[] {"websocket"}).setReconnection(false).setForceNew(true)
                .setAuth(Map.of("token", token)).build());
        try {
            CompletableFuture<JSONObject> hello = new CompletableFuture<>();
            chat.on("hello", a -> hello.complete((JSONObject) a[0]));
            chat.connect();
            JSONObject h = hello.get(10, TimeUnit.SECONDS);
            assertThat(h.getString("user")).isEqualTo("jwt:carol");
            assertThat(h.getBoolean("canRead")).isTrue();
            assertThat(h.getBoolean("canPost")).isFalse(); // a user's default, but not in the claim
            CompletableFuture<Object> joined = new CompletableFuture<>();
            chat.emit("join", new Object[] {new JSONObject().put("room", "general")}, a -> joined.complete(a[0]));
            assertThat(joined.get(10, TimeUnit.SECONDS).toString()).contains("\"room\":\"general\"").doesNotContain("forbidden");
        } finally {
            chat.close();
        }
        HttpResponse<String> video = get("/video_feed", token);
        assertThat(video.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(video.body()).getString("message")).contains("join:video/default");
        assertThat(get("/metrics", token).statusCode()).isEqualTo(403); // '*' in the claim grants nothing
    }

    @Test
    void theHttpEmitApiTakesAJwtWithTheEmitRightAndTheAdminScopeMakesAnAdmin() {
        String emitter = sign(claims("backend", "emit:/chat", Duration.ofMinutes(5)).build(), JWSAlgorithm.HS256, secret);
        String reader = sign(claims("backend", "join:*", Duration.ofMinutes(5)).build(), JWSAlgorithm.HS256, secret);
        String body = "{\"namespace\": \"/chat\", \"event\": \"announcement\", \"args\": [{\"text\": \"hi\"}], \"rooms\": [\"general\"]}";
        for (String[] c : new String[][] {{emitter, "200"}, {reader, "403"}}) {
            HttpResponse<String> res = server.send(HttpRequest.newBuilder(server.uri("/api/v1/emit"))
                    .header("Authorization", "Bearer " + c[0]).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(res.statusCode()).as(res.body()).isEqualTo(Integer.parseInt(c[1]));
        }
        String admin = sign(claims("ops", "openid nagare:admin", Duration.ofMinutes(5)).build(), JWSAlgorithm.ES256, ec);
        assertThat(session(admin).getString("role")).isEqualTo("admin");
        assertThat(session(admin).getString("username")).isEqualTo("jwt:ops");
        assertThat(get("/metrics", admin).statusCode()).isEqualTo(200);
    }

    @Test
    void anExpiringTokenEndsTheOfficialClientWithAReasonAndItsAuthCallbackReconnectsWithAFreshOne() throws Exception {
        // Long enough for node to start and connect on a busy machine; exp has whole seconds.
        String shortLived = sign(claims("dave", "join:*", Duration.ofSeconds(5)).build(), JWSAlgorithm.RS256, rsa);
        String fresh = sign(claims("dave", "join:*", Duration.ofMinutes(10)).build(), JWSAlgorithm.RS256, rsa);
        JsonObject r = NodeScript.run(Duration.ofSeconds(40), "jwt-refresh.mjs", "expire", server.baseUrl() + "/", shortLived, fresh);
        assertThat(r.getString("ended")).isEqualTo("token expired");
        assertThat(r.getString("disconnect")).isEqualTo("io server disconnect");
        assertThat(r.getInteger("connects")).isEqualTo(2);
        assertThat(r.getInteger("tokensAsked")).isEqualTo(2);
        assertThat(r.getLong("endedAfterMs")).isBetween(500L, 10_000L);
    }

    @Test
    void aDroppedChatSocketRecoversWhenItsAuthCallbackBringsAFreshTokenOfTheSameUser() throws Exception {
        String first = sign(claims("gus", "join:chat/general", Duration.ofMinutes(5)).build(), JWSAlgorithm.ES256, ec);
        String fresh = sign(claims("gus", "join:chat/general", Duration.ofMinutes(10)).build(), JWSAlgorithm.ES256, ec);
        JsonObject r = NodeScript.run(Duration.ofSeconds(40), "jwt-refresh.mjs", "recover", server.baseUrl() + "/chat", first, fresh);
        assertThat(r.getInteger("connects")).isEqualTo(2);
        assertThat(r.getInteger("tokensAsked")).isEqualTo(2);
        assertThat(r.getString("disconnect")).isEqualTo("forced close"); // engine.close(): as a dropped network, not a goodbye
        assertThat(r.getBoolean("recovered")).isTrue();
    }

    @Test
    void videoAndSseStreamsOpenedWithAJwtEndAtItsExpiry() throws Exception {
        String token = sign(claims("erin", "join:video/* join:sse/*", Duration.ofSeconds(3)).build(), JWSAlgorithm.ES256, ec);
        long t0 = System.nanoTime();
        List<CompletableFuture<Long>> streams = new java.util.ArrayList<>();
        for (String path : new String[] {"/video_feed", "/sse/jwt-test"}) {
            HttpResponse<InputStream> res = server.http().send(HttpRequest.newBuilder(server.uri(path))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(res.statusCode()).as(path).isEqualTo(200);
            streams.add(CompletableFuture.supplyAsync(() -> drain(res.body())));
        }
        for (CompletableFuture<Long> s : streams) {
            assertThat(s.get(15, TimeUnit.SECONDS)).isPositive(); // data came until ...
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(1000)); // ... the expiry
        assertThat(get("/video_feed", token).statusCode()).isEqualTo(401); // and it is refused from now on
    }

    private static long drain(InputStream in) {
        long n = 0;
        byte[] buf = new byte[16 * 1024];
        try (in) {
            for (int r; (r = in.read(buf)) >= 0; ) {
                n += r;
            }
        } catch (java.io.IOException e) {
            // reset by the server: ended too
        }
        return n;
    }
}
