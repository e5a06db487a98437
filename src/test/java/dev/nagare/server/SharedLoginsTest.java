package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.WebClient;
import dev.nagare.testing.RedisServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Password guesses spread over the nodes of a cluster count as if made at one: after six wrong
 * guesses at one account from one address on node A (five free, then the back-off starts), node B
 * refuses the next with 429, as A would (B alone would have let five more through). Two nodes on a real redis-server, each with its own store (the
 * throttle counts before the password is looked at).
 */
class SharedLoginsTest {
    private static RedisServer redis;
    private static final List<Nagare> nodes = new ArrayList<>();

    @BeforeAll
    static void twoNodes() throws Exception {
        redis = RedisServer.start();
        for (int i = 0; i < 2; i++) {
            nodes.add(Nagare.create(ConfigResolver.resolve(Map.of(Setting.CLUSTER, redis.url(), Setting.APPS, "none",
                            Setting.TRUSTED_PROXIES, "127.0.0.1"), Map.of())
                    .withPort(0).withDataDir(Files.createTempDirectory("nagare-logins"))).start());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        nodes.forEach(Nagare::stop);
        if (redis != null) {
            redis.close();
        }
    }

    private static HttpResponse<String> guess(Nagare node, String address) {
        WebClient c = new WebClient(node.baseUrl());
        c.forwardedFor = address;
        return c.postJson("/api/auth/token", new JsonObject().put("username", "victim").put("password", "wrong guess here").encode());
    }

    @Test
    void guessesOnOneNodeCountOnTheOther() {
        // Each attempt is published when it is admitted, before Argon2 runs (tens of ms): it reaches
        // the other node long before this client gets its 401 and turns to that node.
        for (int i = 0; i < 6; i++) {
            assertThat(guess(nodes.get(0), "198.51.100.7").statusCode()).as("attempt %d on A", i + 1).isEqualTo(401);
        }
        assertThat(guess(nodes.get(0), "198.51.100.7").statusCode()).as("A itself now says wait").isEqualTo(429);
        HttpResponse<String> onB = guess(nodes.get(1), "198.51.100.7");
        assertThat(onB.statusCode()).isEqualTo(429);
        assertThat(onB.headers().firstValue("Retry-After")).isPresent();
        // Another address is not affected by this one's guesses.
        assertThat(guess(nodes.get(1), "198.51.100.8").statusCode()).isEqualTo(401);
    }
}
