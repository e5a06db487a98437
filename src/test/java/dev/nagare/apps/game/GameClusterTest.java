package dev.nagare.apps.game;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.ConfigResolver;
import dev.nagare.server.Nagare;
import dev.nagare.server.Setting;
import dev.nagare.testing.RedisServer;
import dev.nagare.testing.SioClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The game on two nodes of a cluster (one redis-server; each node its own store, as only user names
 * cross): a match made on node A is listed on B, a player on B plays in it, a full match refuses them
 * as it refuses A's own, and when A goes its match leaves B's lobby and B's players are told.
 */
class GameClusterTest {
    private static RedisServer redis;
    private Nagare a;
    private Nagare b;
    private final List<SioClient> clients = new ArrayList<>();

    @BeforeAll
    static void redis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void twoNodes() throws Exception {
        a = node();
        b = node();
    }

    @AfterEach
    void stop() {
        clients.forEach(SioClient::close);
        for (Nagare n : new Nagare[] {a, b}) {
            if (n != null) {
                n.stop();
            }
        }
    }

    private static Nagare node() throws Exception {
        return Nagare.create(ConfigResolver.resolve(Map.of(Setting.CLUSTER, redis.url(), Setting.APPS, "game",
                        Setting.ADMIN_PASSWORD, "river stone lantern", Setting.GAME_BOTS, "0", Setting.GAME_MAX_PLAYERS, "2"),
                        Map.of())
                .withPort(0).withDataDir(Files.createTempDirectory("nagare-game-node"))).start();
    }

    /** {@code user} logged in on {@code node} (with an account there of that name) and connected to /game. */
    private SioClient user(Nagare node, String user) throws Exception {
        var found = node.accounts().find(user).await(10, TimeUnit.SECONDS);
        Account account = found.isPresent() ? found.get()
                : node.accounts().create(user, "velvet thunder orchard", Role.USER).await(10, TimeUnit.SECONDS);
        String token = node.tokens().create(account, "game-cluster-test", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
        SioClient c = SioClient.connect(node.baseUrl(), "/game", Map.of("token", token));
        clients.add(c);
        return c;
    }

    /**
     * The lobby as {@code c}'s node shows it, once {@code test} holds. Another node's news comes
     * through Redis with no event a client could wait for, so this asks again every 20 ms.
     */
    private static JsonArray lobby(SioClient c, Predicate<JsonArray> test) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonArray matches = c.ok("lobby", new JsonObject()).getJsonArray("matches");
            if (test.test(matches)) {
                return matches;
            }
            assertThat(System.nanoTime()).as("lobby never matched: %s", matches).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static JsonObject row(JsonArray lobby, String match) {
        return lobby.stream().map(JsonObject.class::cast).filter(r -> match.equals(r.getString("match"))).findFirst().orElse(null);
    }

    /** Player {@code id}'s fields as {@code c} has them, once a snapshot made {@code test} hold. */
    private static JsonObject player(SioClient c, int id, Predicate<JsonObject> test) throws Exception {
        JsonObject state = new JsonObject();
        c.next("s", s -> {
            JsonObject p = s.getJsonObject("p").getJsonObject(Integer.toString(id));
            if (p != null) {
                state.mergeIn(p);
            }
            return state.containsKey("x") && test.test(state);
        });
        return state;
    }

    @Test
    void aMatchOnOneNodeIsListedOnTheOtherWhosePlayersJoinAndSteerInIt() throws Exception {
        SioClient alice = user(a, "alice");
        JsonObject hers = alice.ok("join", new JsonObject());
        String match = hers.getString("match");
        int aliceId = hers.getInteger("you");

        SioClient bob = user(b, "bob");
        JsonObject listed = row(lobby(bob, l -> row(l, match) != null), match);
        assertThat(listed.getInteger("players")).isEqualTo(1);
        assertThat(listed.getInteger("maxPlayers")).isEqualTo(2);
        // Quick play on B, which runs no match: matchmaking finds A's, which has room.
        JsonObject his = bob.ok("join", new JsonObject());
        assertThat(his.getString("match")).isEqualTo(match);
        assertThat(his.getJsonObject("rules").getInteger("tickHz")).isEqualTo(30);
        assertThat(his.getJsonObject("snapshot").getJsonObject("p").fieldNames()).contains(Integer.toString(aliceId));
        int bobId = his.getInteger("you");
        bob.next("s"); // A's ticks reach B's socket through the match's room

        // Bob's inputs, relayed to A, move his avatar there: both players see it.
        double x0 = his.getJsonObject("snapshot").getJsonObject("p").getJsonObject(Integer.toString(bobId)).getInteger("x") / 10.0;
        int dir = x0 > 800 ? -1 : 1; // toward the middle: no wall in the way
        for (int s = 1; s <= 4; s++) {
            bob.emit("input", new JsonObject().put("s", s).put("x", dir).put("y", 0));
        }
        JsonObject seenByBob = player(bob, bobId, p -> p.getInteger("a") == 4);
        assertThat(Math.abs(seenByBob.getInteger("x") / 10.0 - x0)).isCloseTo(4 * 240 / 30.0, Offset.offset(0.2));
        JsonObject seenByAlice = player(alice, bobId, p -> p.getInteger("a") == 4);
        assertThat(seenByAlice.getInteger("x")).isEqualTo(seenByBob.getInteger("x"));
        // Checked on B before crossing, with A's words.
        bob.emit("input", new JsonObject().put("s", 5).put("x", 50).put("y", 0));
        assertThat(bob.next("nagare:error").getString("message"))
                .isEqualTo("impossible input: the direction's length is at most 1 (full speed)");

        assertThat(row(lobby(alice, l -> row(l, match).getInteger("players") == 2), match).getInteger("spectators")).isZero();
        lobby(bob, l -> row(l, match).getInteger("players") == 2);

        // The match is full: a player on B is refused with the same answer as one on A.
        JsonObject refusedOnA = user(a, "carol").request("join", new JsonObject().put("match", match));
        SioClient dave = user(b, "dave");
        JsonObject refusedOnB = dave.request("join", new JsonObject().put("match", match));
        assertThat(refusedOnA.getString("error")).isEqualTo("full");
        assertThat(refusedOnB).isEqualTo(refusedOnA);
        assertThat(refusedOnB.getString("message")).isEqualTo("Match " + match + " has its 2 players; spectate it.");
        // ... and may watch it from B: the spectator counts on A, and sees the players.
        JsonObject watching = dave.ok("spectate", new JsonObject().put("match", match));
        assertThat(watching.getJsonObject("snapshot").getJsonObject("p").fieldNames())
                .contains(Integer.toString(aliceId), Integer.toString(bobId));
        dave.next("s");
        lobby(alice, l -> row(l, match).getInteger("spectators") == 1);

        // Bob's socket closes: on A his avatar is away (its slot waits), as for a player of A's own.
        bob.close();
        player(alice, bobId, p -> p.getInteger("w") == 1);
    }

    @Test
    void whenTheNodeRunningAMatchStopsItLeavesTheOtherLobbiesAndTheirPlayersAreTold() throws Exception {
        Nagare c = node();
        try {
            SioClient erin = user(c, "erin");
            String match = erin.ok("join", new JsonObject()).getString("match");
            SioClient frank = user(b, "frank");
            lobby(frank, l -> row(l, match) != null);
            frank.ok("join", new JsonObject().put("match", match));
            frank.next("s");
            // Stopped on another thread: its HTTP server waits for erin's connection to close.
            var stopped = java.util.concurrent.CompletableFuture.runAsync(c::stop);
            JsonObject toErin = erin.next("ended");
            assertThat(toErin.getString("match")).isEqualTo(match);
            assertThat(toErin.getString("reason")).isEqualTo("server shutting down");
            erin.close();
            JsonObject ended = frank.next("ended");
            assertThat(ended.getString("match")).isEqualTo(match);
            assertThat(ended.getString("reason")).isEqualTo("the server running it shut down");
            assertThat(row(frank.ok("lobby", new JsonObject()).getJsonArray("matches"), match)).isNull();
            // Seatless now: quick play starts a match on B.
            assertThat(frank.ok("join", new JsonObject()).getString("match")).isNotEqualTo(match);
            stopped.get(30, TimeUnit.SECONDS);
        } finally {
            c.stop();
        }
    }

    @Test
    void aNodeThatFallsSilentIsDroppedBothWays() throws Exception {
        SioClient gina = user(a, "gina");
        String match = gina.ok("join", new JsonObject()).getString("match");
        SioClient hank = user(b, "hank");
        lobby(hank, l -> row(l, match) != null);
        int hankId = hank.ok("join", new JsonObject().put("match", match)).getInteger("you");
        hank.next("s");
        long later = System.currentTimeMillis() + GameCluster.SILENT_MS + 1_000;

        // B stops hearing A (as if A had died): A's match ends for B's player.
        b.game().dropSilentNodes(later).await(10, TimeUnit.SECONDS);
        JsonObject ended = hank.next("ended");
        assertThat(ended.getString("match")).isEqualTo(match);
        assertThat(ended.getString("reason")).isEqualTo("the server running it stopped answering");

        // A stops hearing B: B's player is dropped as if disconnected (away, the slot waiting).
        a.game().dropSilentNodes(later).await(10, TimeUnit.SECONDS);
        player(gina, hankId, p -> p.getInteger("w") == 1);
    }
}
