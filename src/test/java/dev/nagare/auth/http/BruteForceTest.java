package dev.nagare.auth.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.LoginThrottle;
import dev.nagare.auth.Role;
import dev.nagare.auth.WebClient;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Password guessing is throttled, for the form and for the token API alike, by (address, account)
 * pair, by address and softly by account (own server: it locks addresses). The server trusts
 * 127.0.0.1 as a proxy, so each test plays its clients from addresses of its own via X-Forwarded-For.
 */
class BruteForceTest {
    static final String PASSWORD = "river stone lantern";
    static final String USER_PASSWORD = "velvet thunder orchard";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, PASSWORD,
            Setting.TRUSTED_PROXIES, "127.0.0.1"));

    @BeforeAll
    static void accounts() throws Exception {
        for (String name : new String[] {"racer", "mallory", "owner"}) {
            server.nagare().accounts().create(name, USER_PASSWORD, Role.USER).await(10, TimeUnit.SECONDS);
        }
    }

    private static WebClient from(String address) {
        WebClient c = new WebClient(server.baseUrl());
        c.forwardedFor = address;
        return c;
    }

    @Test
    void afterSixWrongPasswordsEvenTheRightOneIsRefusedWith429AndRetryAfter() {
        WebClient c = from("203.0.113.1");
        for (int i = 0; i < 5; i++) {
            assertThat(c.login("admin", "guess number " + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> sixth = c.login("admin", "guess number 5");
        assertThat(sixth.statusCode()).isEqualTo(401); // the sixth failure starts the back-off
        HttpResponse<String> locked = c.login("admin", PASSWORD);
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        assertThat(locked.body()).contains("Too many failed attempts");
        assertThat(c.cookies).doesNotContainKey("nagare_session");

        HttpResponse<String> api = c.postJson("/api/auth/token",
                new JsonObject().put("username", "admin").put("password", PASSWORD).encode());
        assertThat(api.statusCode()).isEqualTo(429);
        assertThat(new JsonObject(api.body()).getString("error")).isEqualTo("too_many_requests");
    }

    @Test
    void twoHundredConcurrentGuessesGetOnlyTheAllowedArgon2Evaluations() throws Exception {
        WebClient c = from("203.0.113.2");
        String csrf = c.loginFormToken(); // one form token (double-submit cookie) serves every post
        String cookie = c.cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("; "));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        long before = server.nagare().accounts().passwordVerifications();
        long t0 = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String body = "username=racer&password=" + URLEncoder.encode("wrong guess " + i, StandardCharsets.UTF_8)
                    + "&csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8) + "&next=%2F";
            all.add(http.sendAsync(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
                    .header("X-Forwarded-For", "203.0.113.2").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long evaluated = server.nagare().accounts().passwordVerifications() - before;
        Map<Integer, Long> statuses = all.stream().map(CompletableFuture::join)
                .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
        // 5 free attempts per (address, account) pair and the sixth that starts the back-off, then one
        // more each time the back-off (1 s, 2 s, 4 s ...) runs out while the burst is still arriving.
        long allowed = 6 + (long) Math.floor(Math.log(seconds + 1) / Math.log(2));
        assertThat(evaluated).as("Argon2 evaluations in %.1f s, statuses %s", seconds, statuses)
                .isLessThanOrEqualTo(allowed);
        assertThat(statuses.getOrDefault(401, 0L)).isEqualTo(evaluated);
        assertThat(statuses.getOrDefault(429, 0L)).isEqualTo(200 - evaluated);
    }

    @Test
    void anAttackersOwnSuccessfulLoginsDoNotResetTheAddressBudgetAgainstSpraying() {
        WebClient attacker = from("203.0.113.3");
        int evaluated = 0;
        int throttled = 0;
        for (int i = 0; i < 30; i++) {
            assertThat(attacker.login("mallory", USER_PASSWORD).statusCode()).as("own login %d", i).isEqualTo(303);
            int status = attacker.login("sprayed-" + i, "Spring2024!").statusCode();
            assertThat(status).isIn(401, 429);
            evaluated += status == 401 ? 1 : 0;
            throttled += status == 429 ? 1 : 0;
        }
        // 20 free failures per address across accounts, then 1 s, 2 s, 4 s ... apart: a handful more
        // at most while this loop runs; before, every one of the 30 was evaluated.
        assertThat(evaluated).isBetween(LoginThrottle.ADDRESS.free() + 1, LoginThrottle.ADDRESS.free() + 4);
        assertThat(throttled).isGreaterThanOrEqualTo(30 - LoginThrottle.ADDRESS.free() - 4);
    }

    @Test
    void aStrangerCannotLockTheOwnerOut() {
        WebClient stranger = from("203.0.113.4");
        int refused = 0;
        for (int i = 0; i < 40; i++) {
            refused += stranger.login("owner", "not the password " + i).statusCode() == 429 ? 1 : 0;
        }
        assertThat(refused).isGreaterThanOrEqualTo(30); // the stranger is held back ...
        WebClient ownerElsewhere = from("198.51.100.7"); // ... the owner, from a fresh address, is not
        assertThat(ownerElsewhere.login("owner", USER_PASSWORD).statusCode()).isEqualTo(303);
        assertThat(ownerElsewhere.cookies).containsKey("nagare_session").containsKey(DeviceCookies.NAME);
    }
}
