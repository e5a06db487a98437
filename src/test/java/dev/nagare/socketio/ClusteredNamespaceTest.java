package dev.nagare.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.ConfigResolver;
import dev.nagare.server.Nagare;
import dev.nagare.server.Setting;
import dev.nagare.testing.RedisServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A clustered namespace that turns on connection state recovery after it exists (as the chat's
 * /chat does) replaces its adapter; it must stay subscribed to the cluster's channels, or it never
 * hears the other nodes' broadcasts (found by LoadBalancerIT: chat messages stayed on their node).
 */
class ClusteredNamespaceTest {
    @Test
    void aNamespaceThatEnablesRecoveryStaysSubscribedToTheCluster() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            Nagare nagare = Nagare.create(ConfigResolver.resolve(Map.of(Setting.CLUSTER, redis.url(), Setting.APPS, "none"),
                    Map.of()).withPort(0).withDataDir(Files.createTempDirectory("nagare-clustered-ns"))).start();
            try {
                nagare.io().of("/rec").enableRecovery(Duration.ofMinutes(2));
                // The link subscribes on its own thread: poll Redis (it announces nothing) with a deadline.
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                String requests = "";
                String patterns = "";
                while (System.nanoTime() < deadline) {
                    requests = redis.command("PUBSUB", "NUMSUB", "socket.io-request#/rec#");
                    patterns = redis.command("PUBSUB", "NUMPAT");
                    if (requests.endsWith(":1\r\n") && patterns.equals(":2\r\n")) {
                        break;
                    }
                    Thread.sleep(50); // polling Redis: subscriptions are not announced
                }
                assertThat(requests).as("subscribers of /rec's request channel").endsWith(":1\r\n");
                assertThat(patterns).as("patterns: / and /rec broadcasts").isEqualTo(":2\r\n");
            } finally {
                nagare.stop();
            }
        }
    }
}
