package dev.nagare.media;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.auth.http.HttpGuard;
import dev.nagare.server.Cli;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Opening a stream by URL (issue 19): signed stream tokens minted by the HTTP API and the command
 * line open their one stream, and nothing else; expired, altered, foreign and revoked ones are refused
 * with a reason; public streams need no login; no token reaches the access log.
 */
class StreamUrlTokenTest {
    static final String PASSWORD = "river stone lantern";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, PASSWORD, Setting.ACCESS_LOG, "true",
            Setting.VIDEO_PUBLIC, "lobby,stage", Setting.AUDIO_PUBLIC, "sine",
            Setting.VIDEO_FFMPEG, "lobby=-f lavfi -i testsrc=size=320x240:rate=10",
            Setting.AUDIO_FFMPEG, "sine=-f lavfi -i sine=frequency=1000"));

    /** A bearer token of a new account {@code name} (or of admin). */
    static String bearer(String name, Set<String> scopes) throws Exception {
        Account a = name.equals("admin") ? server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow()
                : server.nagare().accounts().create(name, PASSWORD, Role.USER).await(10, TimeUnit.SECONDS);
        return server.nagare().tokens().create(a, "t", scopes, Duration.ofHours(1)).await(10, TimeUnit.SECONDS).secret();
    }

    static HttpResponse<String> mint(String bearer, String body) {
        return server.send(HttpRequest.newBuilder(server.uri("/api/streams/token")).header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static String token(String bearer, String stream, long ttlSeconds) {
        HttpResponse<String> res = mint(bearer, new JsonObject().put("stream", stream).put("ttlSeconds", ttlSeconds).encode());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return new JsonObject(res.body()).getString("token");
    }

    static JsonObject error(HttpResponse<String> res) {
        return new JsonObject(res.body());
    }

    @Test
    void theApiMintsATokenThatOpensThatStreamAndNoOther() throws Exception {
        HttpResponse<String> res = mint(bearer("admin", Set.of()), "{\"stream\":\"video/default\",\"ttlSeconds\":600}");
        assertThat(res.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(res.body());
        String token = body.getString("token");
        assertThat(body.getString("path")).isEqualTo("/video/default?token=" + token);
        assertThat(body.getLong("expiresAt")).isBetween(System.currentTimeMillis() + 590_000, System.currentTimeMillis() + 601_000);

        HttpResponse<byte[]> snap = server.http().send(HttpRequest.newBuilder(server.uri("/video/default/snapshot.jpg?token=" + token))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(snap.statusCode()).isEqualTo(200);
        assertThat(snap.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        // Another site's <img> may show it: the one response that relaxes the server's same-origin CORP.
        assertThat(snap.headers().firstValue("Cross-Origin-Resource-Policy")).hasValue("cross-origin");
        assertThat(server.get("/video/default/stats?token=" + token).statusCode()).isEqualTo(200);

        HttpResponse<String> audio = server.get("/audio/default.wav?token=" + token);
        assertThat(audio.statusCode()).isEqualTo(403);
        assertThat(error(audio).getString("message")).isEqualTo("Token refused: this stream token opens video/default only, not audio/default.");
        HttpResponse<String> other = server.get("/video/lobby/stats?token=" + token);
        assertThat(other.statusCode()).isEqualTo(200); // lobby is public: the token is not needed there
        // Only the media paths take a token in the URL: elsewhere it is no login at all.
        assertThat(server.get("/api/video/streams?token=" + token).statusCode()).isEqualTo(401);
        assertThat(server.get("/api/auth/session?token=" + token).body()).isEqualTo("{\"authenticated\":false}");
    }

    @Test
    void aTokenIsMintedOnlyForAStreamTheCallerMayWatch() throws Exception {
        String scoped = bearer("dora", Set.of("join:video/default"));
        assertThat(mint(scoped, "{\"stream\":\"video/default\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> denied = mint(scoped, "{\"stream\":\"video/lobby\"}");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(error(denied).getString("message")).isEqualTo("Not allowed: dora lacks the right join:video/lobby.");
        assertThat(mint(scoped, "{\"stream\":\"chat/general\"}").statusCode()).isEqualTo(400);
        assertThat(mint(scoped, "{\"stream\":\"video/default\",\"ttlSeconds\":0}").statusCode()).isEqualTo(400);
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/streams/token"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":\"video/default\"}")).build()).statusCode()).isEqualTo(401);
    }

    @Test
    void alteredExpiredAndRevokedTokensAreRefusedWithAReasonAndALogLine() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(HttpGuard.class)).addAppender(log);
        try {
            String token = token(bearer("admin", Set.of()), "video/default", 1);
            String altered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
            HttpResponse<String> bad = server.get("/video/default?token=" + altered);
            assertThat(bad.statusCode()).isEqualTo(401);
            assertThat(error(bad).getString("message")).isEqualTo("Token refused: bad signature (altered, or signed by another server).");

            // The token lives one second: the clock, not an event, decides when it has expired.
            long deadline = System.currentTimeMillis() + 10_000;
            HttpResponse<String> expired;
            do {
                expired = server.get("/video/default/stats?token=" + token);
            } while (expired.statusCode() == 200 && System.currentTimeMillis() < deadline && pause());
            assertThat(expired.statusCode()).isEqualTo(401);
            assertThat(error(expired).getString("message")).isEqualTo("Token refused: the stream token expired.");
            // Refusals are logged (once a second at most), with the path and never the token.
            while (log.list.stream().noneMatch(e -> e.getFormattedMessage().contains("the stream token expired"))
                    && System.currentTimeMillis() < deadline + 5000 && pause()) {
                server.get("/video/default/stats?token=" + token);
            }
            assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                    .contains("Stream URL token refused on GET /video/default/stats", "the stream token expired"));
            assertThat(log.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(token.substring(4, 20)));
        } finally {
            ((Logger) LoggerFactory.getLogger(HttpGuard.class)).detachAppender(log);
        }
    }

    @Test
    void aNewPasswordRefusesTheIssuersTokensAndDeletingItCutsTheirOpenStreams() throws Exception {
        String erin = token(bearer("erin", Set.of()), "video/default", 3600);
        server.nagare().accounts().setPassword("erin", "a brand new phrase").await(30, TimeUnit.SECONDS);
        HttpResponse<String> refused = server.get("/video/default/stats?token=" + erin);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(error(refused).getString("message")).isEqualTo("Token refused: its issuer's password has changed since it was made.");

        String fred = token(bearer("fred", Set.of()), "video/default", 3600);
        HttpResponse<InputStream> live = server.http().send(HttpRequest.newBuilder(server.uri("/video/default?token=" + fred)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(live.statusCode()).isEqualTo(200);
        InputStream in = live.body();
        assertThat(in.readNBytes(4096)).hasSize(4096); // frames are flowing
        CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
            try {
                in.readAllBytes();
            } catch (java.io.IOException e) {
                // a reset is an end too
            }
        });
        server.nagare().accounts().delete("fred").await(30, TimeUnit.SECONDS);
        ended.get(10, TimeUnit.SECONDS);
        HttpResponse<String> gone = server.get("/video/default/stats?token=" + fred);
        assertThat(gone.statusCode()).isEqualTo(401);
        assertThat(error(gone).getString("message")).isEqualTo("Token refused: its issuer's account no longer exists.");
    }

    @Test
    void anOpenStreamEndsWhenItsTokenExpires() throws Exception {
        String token = token(bearer("admin", Set.of()), "video/default", 2);
        long expires = System.currentTimeMillis() + 2000;
        HttpResponse<InputStream> live = server.http().send(HttpRequest.newBuilder(server.uri("/video/default?token=" + token)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(live.statusCode()).isEqualTo(200);
        CompletableFuture<Long> ended = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = live.body()) {
                in.readAllBytes();
            } catch (java.io.IOException e) {
                // a reset is an end too
            }
            return System.currentTimeMillis();
        });
        // RevocationCheck's sweep (every 15 s) finds the deadline passed.
        long at = ended.get(25, TimeUnit.SECONDS);
        assertThat(at).isGreaterThanOrEqualTo(expires - 1000).isLessThan(expires + 17_000);
    }

    @Test
    void theCommandLineMintsATokenTheServerTakes() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new Cli(Map.of("NAGARE_DATA_DIR", server.dataDir().toString()), new PrintWriter(out, true),
                new PrintWriter(err, true)).run("token", "create", "--stream", "audio/default", "--ttl", "10m");
        assertThat(code).as(err.toString()).isZero();
        String token = out.toString().trim();
        assertThat(token).startsWith("nst_").doesNotContain("\n");
        assertThat(err.toString()).contains("Opens /audio/default.wav?token=... for 'admin' until");
        HttpResponse<String> res = server.get("/video/default/stats?token=" + token);
        assertThat(res.statusCode()).isEqualTo(403); // an audio token opens no video
        assertThat(new Cli(Map.of("NAGARE_DATA_DIR", server.dataDir().toString()), new PrintWriter(out, true),
                new PrintWriter(err, true)).run("token", "create", "--stream", "video/default", "--ttl", "soon"))
                .isEqualTo(Cli.EXIT_USAGE);
    }

    @Test
    void publicStreamsNeedNoLoginButPublishingThemStillDoes() throws Exception {
        HttpResponse<String> stats = server.get("/video/lobby/stats");
        assertThat(stats.statusCode()).isEqualTo(200);
        assertThat(stats.headers().firstValue("Cross-Origin-Resource-Policy")).hasValue("cross-origin");
        HttpResponse<InputStream> wav = server.http().send(HttpRequest.newBuilder(server.uri("/audio/sine.wav")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(wav.statusCode()).isEqualTo(200);
        try (InputStream in = wav.body()) {
            assertThat(new String(in.readNBytes(4), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        }
        assertThat(server.get("/audio/default.wav").statusCode()).isEqualTo(401);
        HttpResponse<String> notPublic = server.get("/video/default/stats");
        assertThat(notPublic.statusCode()).isEqualTo(401);
        assertThat(notPublic.headers().firstValue("Cross-Origin-Resource-Policy")).hasValue("same-origin");
        HttpResponse<String> publish = server.get("/video/publish/stage");
        assertThat(publish.statusCode()).isEqualTo(401);
    }

    @Test
    void theAccessLogNeverShowsATokenValue() throws Exception {
        ListAppender<ILoggingEvent> access = new ListAppender<>();
        access.start();
        ((Logger) LoggerFactory.getLogger("nagare.access")).addAppender(access);
        try {
            String token = token(bearer("admin", Set.of()), "video/default", 600);
            assertThat(server.get("/video/default/stats?token=" + token + "&x=1").statusCode()).isEqualTo(200);
            assertThat(server.get("/video/default/stats?token=nst_forged.sig").statusCode()).isEqualTo(401);
            long deadline = System.currentTimeMillis() + 5000;
            while (access.list.stream().filter(e -> e.getFormattedMessage().contains("/video/default/stats")).count() < 2
                    && System.currentTimeMillis() < deadline && pause()) {
                // the line is written when the response has ended
            }
            assertThat(access.list).filteredOn(e -> e.getFormattedMessage().contains("GET /video/default/stats ")).hasSize(2);
            assertThat(access.list).allSatisfy(e -> assertThat(e.getFormattedMessage())
                    .doesNotContain("token=").doesNotContain(token).doesNotContain("nst_"));
        } finally {
            ((Logger) LoggerFactory.getLogger("nagare.access")).detachAppender(access);
        }
    }

    /** Between two looks at state the server announces to nobody (a stream cut, a log line): 50 ms. */
    private static boolean pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
