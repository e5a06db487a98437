package dev.nagare.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two-or-more media nodes in one cluster on a real redis-server, for the media relay's tests: each node
 * its own SQLite store (so its own accounts), the admin password known, and a way to read how many
 * nodes subscribe to a stream's channel.
 */
public final class MediaCluster implements AutoCloseable {
    private final RedisServer redis;
    private final String apps;

    public MediaCluster(String apps) throws IOException, InterruptedException {
        this.redis = RedisServer.start();
        this.apps = apps;
    }

    public RedisServer redis() {
        return redis;
    }

    /** A new node of the cluster; the caller stops it with {@code afterAll(null)}. */
    public TestServer node() throws IOException {
        TestServer n = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern", Setting.CLUSTER, redis.url(),
                Setting.APPS, apps));
        n.beforeAll(null);
        return n;
    }

    /** A bearer token of {@code user} on {@code node} (created as a plain user unless it is admin), limited to {@code scopes} if any. */
    public static String token(TestServer node, String user, Set<String> scopes) throws Exception {
        var found = node.nagare().accounts().find(user).await(10, TimeUnit.SECONDS);
        Account account = found.isPresent() ? found.get()
                : node.nagare().accounts().create(user, "velvet thunder orchard", Role.USER).await(10, TimeUnit.SECONDS);
        return node.nagare().tokens().create(account, "media", scopes, Duration.ofHours(1)).await(10, TimeUnit.SECONDS).secret();
    }

    /** How many connections subscribe to {@code channel} (PUBSUB NUMSUB): one per watching node. */
    public long subscribers(String channel) {
        Matcher m;
        try {
            m = Pattern.compile(":(\\d+)\\r\\n$").matcher(redis.command("PUBSUB", "NUMSUB", channel));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /**
     * Polls {@code condition} until it holds, for states nothing announces (another node's directory,
     * Redis's subscription count); fails with {@code what} after 15 s.
     */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50); // polling: nothing announces these states to a client
        }
    }

    @Override
    public void close() throws InterruptedException {
        redis.close();
    }
}
