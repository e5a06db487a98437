package dev.nagare.apps.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.ConfigResolver;
import dev.nagare.server.Nagare;
import dev.nagare.server.Setting;
import dev.nagare.store.StoreConfig;
import dev.nagare.testing.PostgresServer;
import dev.nagare.testing.RedisServer;
import dev.nagare.testing.SioClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat on two nodes of a cluster (one redis-server, one PostgreSQL database): people on
 * different nodes see each other in a room, read each other's messages, and see rooms made on the
 * other node; when a node goes away, its people leave the rooms.
 */
class ChatClusterTest {
    private static RedisServer redis;
    private static Nagare a;
    private static Nagare b;
    private final List<SioClient> clients = new ArrayList<>();

    @BeforeAll
    static void twoNodes() throws Exception {
        redis = RedisServer.start();
        StoreConfig store = PostgresServer.shared().newDatabase(Files.createTempDirectory("nagare-chat-cluster"));
        a = node(store);
        b = node(store);
    }

    private static Nagare node(StoreConfig store) throws Exception {
        return Nagare.create(ConfigResolver.resolve(Map.of(Setting.CLUSTER, redis.url(), Setting.APPS, "chat",
                        Setting.ADMIN_PASSWORD, "river stone lantern"), Map.of())
                .withPort(0).withDataDir(Files.createTempDirectory("nagare-chat-node")).withStore(store)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (Nagare n : new Nagare[] {a, b}) {
            if (n != null) {
                n.stop();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeClients() {
        clients.forEach(SioClient::close);
    }

    /** {@code user} logged in with a token made on node A, connected to {@code node}. */
    private SioClient user(Nagare node, String user) throws Exception {
        var found = a.accounts().find(user).await(10, TimeUnit.SECONDS);
        Account account = found.isPresent() ? found.get()
                : a.accounts().create(user, "velvet thunder orchard", Role.USER).await(10, TimeUnit.SECONDS);
        String token = a.tokens().create(account, "cluster-test", Set.of(), Duration.ofHours(1)).await(10, TimeUnit.SECONDS).secret();
        SioClient c = SioClient.connect(node.baseUrl(), "/chat", Map.of("token", token));
        clients.add(c);
        return c;
    }

    @Test
    void peopleOnTwoNodesShareARoomItsMessagesAndItsPresence() throws Exception {
        SioClient alice = user(a, "alice");
        alice.next("hello");
        SioClient bob = user(b, "bob");
        bob.next("hello");
        alice.next("presence", p -> p.getJsonArray("joined").contains("bob"));
        JsonObject joined = bob.ok("join", new JsonObject().put("room", "general"));
        assertThat(joined.getJsonArray("members").getList()).contains("alice", "bob");

        alice.ok("send", new JsonObject().put("room", "general").put("text", "hello from A").put("clientId", "cluster-msg-0001"));
        JsonObject got = bob.next("message", m -> "cluster-msg-0001".equals(m.getString("clientId")));
        assertThat(got.getString("text")).isEqualTo("hello from A");
        bob.emit("typing", new JsonObject().put("room", "general"));
        assertThat(alice.next("typing").getString("user")).isEqualTo("bob");
    }

    @Test
    void aRoomMadeOnOneNodeIsListedAndJoinableOnTheOther() throws Exception {
        SioClient carol = user(a, "carol");
        carol.next("hello");
        SioClient dave = user(b, "dave");
        dave.next("hello");
        carol.ok("create", new JsonObject().put("room", "tea"));
        dave.next("rooms", d -> d.getJsonArray("added").stream().anyMatch(r -> "tea".equals(((JsonObject) r).getString("name"))));
        JsonObject joined = dave.ok("join", new JsonObject().put("room", "tea"));
        assertThat(joined.getJsonArray("members").getList()).containsExactlyInAnyOrder("carol", "dave");
        carol.next("presence", p -> "tea".equals(p.getString("room")) && p.getJsonArray("joined").contains("dave"));
        carol.ok("deleteRoom", new JsonObject().put("room", "tea"));
        dave.next("rooms", d -> d.getJsonArray("removed").contains("tea"));
    }

    @Test
    void whenANodeStopsItsPeopleLeaveTheRoomsOnTheOthers() throws Exception {
        SioClient erin = user(a, "erin");
        erin.next("hello");
        Nagare c = node(a.config().store()); // a third node on the same store

        try {
            SioClient frank = user(c, "frank");
            frank.next("hello");
            erin.next("presence", p -> p.getJsonArray("joined").contains("frank"));
        } finally {
            c.stop();
        }
        erin.next("presence", p -> p.getJsonArray("left").contains("frank"));
    }
}
