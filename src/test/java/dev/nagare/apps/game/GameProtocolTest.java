package dev.nagare.apps.game;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.SioClient;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The arena over the official Java socket.io client: the server decides, and refuses what cannot be. */
class GameProtocolTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.GAME_BOTS, "0"));

    /** The player's server position (units) and last applied input, from the next snapshot that has them. */
    private static JsonObject me(SioClient c, int id, java.util.function.Predicate<JsonObject> test) throws Exception {
        JsonObject[] found = new JsonObject[1];
        JsonObject state = new JsonObject();
        c.next("s", s -> {
            JsonObject p = s.getJsonObject("p").getJsonObject(Integer.toString(id));
            if (p != null) {
                state.mergeIn(p);
            }
            boolean ok = state.containsKey("x") && test.test(state);
            found[0] = ok ? state.copy() : null;
            return ok;
        });
        return found[0];
    }

    private static int join(SioClient c, JsonObject[] keyframe) throws Exception {
        JsonObject res = c.ok("join", new JsonObject());
        keyframe[0] = res.getJsonObject("snapshot");
        assertThat(res.getJsonObject("rules").getInteger("tickHz")).isEqualTo(30);
        return res.getInteger("you");
    }

    @Test
    void inputsMoveThePlayerButNeverFasterThanTheRulesAllowEvenWhenFlooded() throws Exception {
        try (SioClient c = SioClient.connect(server, "/game", "runner", Role.USER)) {
            JsonObject[] kf = new JsonObject[1];
            int id = join(c, kf);
            JsonObject start = kf[0].getJsonObject("p").getJsonObject(Integer.toString(id));
            double x0 = start.getInteger("x") / 10.0;
            int dir = x0 > 800 ? -1 : 1; // toward the middle: no wall in the way
            // One input a tick, as a client sends them: each moves one step.
            JsonObject after = null;
            for (int s = 1; s <= 4; s++) {
                c.emit("input", new JsonObject().put("s", s).put("x", dir).put("y", 0));
                int seq = s;
                after = me(c, id, p -> p.getInteger("a") == seq);
            }
            double moved = Math.abs(after.getInteger("x") / 10.0 - x0);
            assertThat(moved).isCloseTo(4 * 240 / 30.0, org.assertj.core.data.Offset.offset(0.2));

            // A flood: 200 inputs at once. At most 8 wait; the rest are refused, and the player still
            // moves one step per tick at most.
            for (int s = 5; s < 205; s++) {
                c.emit("input", new JsonObject().put("s", s).put("x", -dir).put("y", 0));
            }
            assertThat(c.next("nagare:error").getString("message")).isEqualTo("too many inputs: at most one per tick is used");
            JsonObject flooded = me(c, id, p -> p.getInteger("a") >= 5);
            double step = Math.abs(flooded.getInteger("x") - after.getInteger("x")) / 10.0;
            assertThat(step).isLessThanOrEqualTo(4 * 240 / 30.0 + 0.2); // at most the credit of 4 inputs in one tick
            c.request("ping", new JsonObject()); // answered after every input before it was handled
            JsonObject stats = new JsonObject(server.nagare().game().describe());
            assertThat(stats.getLong("inputsRefused") + stats.getLong("inputsTooLate")).isGreaterThanOrEqualTo(190);
        }
    }

    @Test
    void impossibleOrMalformedInputsAreRefusedAndChangeNothing() throws Exception {
        try (SioClient c = SioClient.connect(server, "/game", "cheater", Role.USER)) {
            JsonObject[] kf = new JsonObject[1];
            int id = join(c, kf);
            int x0 = kf[0].getJsonObject("p").getJsonObject(Integer.toString(id)).getInteger("x");
            c.emit("input", new JsonObject().put("s", 1).put("x", 50).put("y", 0)); // a teleport attempt
            assertThat(c.next("nagare:error").getString("message"))
                    .isEqualTo("impossible input: the direction's length is at most 1 (full speed)");
            c.emit("input", new JsonObject().put("s", 1).put("x", "left").put("y", 0));
            c.emit("input", new JsonObject().put("s", -5).put("x", 0).put("y", 0));
            c.emit("input", new JsonObject().put("s", 1).put("x", 0.6).put("y", 0.8)); // a legal one: applied
            JsonObject after = me(c, id, p -> p.getInteger("a") == 1);
            double moved = Math.hypot(after.getInteger("x") - x0, 0) / 10.0;
            assertThat(moved).isLessThanOrEqualTo(0.6 * 8 + 0.2);
            c.request("ping", new JsonObject());
            long refusedBefore = new JsonObject(server.nagare().game().describe()).getLong("inputsRefused");
            c.emit("input", new JsonObject().put("s", 1).put("x", 1).put("y", 0)); // a replayed sequence number
            c.request("ping", new JsonObject()); // answered after the input was handled
            assertThat(new JsonObject(server.nagare().game().describe()).getLong("inputsRefused")).isEqualTo(refusedBefore + 1);
        }
    }

    @Test
    void spectatorsSeeTheMatchButCannotSteer() throws Exception {
        try (SioClient player = SioClient.connect(server, "/game", "player-one", Role.USER);
                SioClient watcher = SioClient.connect(server, "/game", "watcher", Role.GUEST)) {
            JsonObject joined = player.ok("join", new JsonObject());
            assertThat(watcher.request("join", new JsonObject().put("match", joined.getString("match"))).getString("error"))
                    .isEqualTo("forbidden");
            JsonObject watching = watcher.ok("spectate", new JsonObject().put("match", joined.getString("match")));
            assertThat(watching.getJsonObject("snapshot").getJsonObject("p").fieldNames())
                    .contains(Integer.toString(joined.getInteger("you")));
            watcher.next("s");
            watcher.emit("input", new JsonObject().put("s", 1).put("x", 1).put("y", 0));
            JsonObject lobby = watcher.ok("lobby", new JsonObject());
            assertThat(lobby.getJsonArray("matches").getJsonObject(0).getInteger("spectators")).isEqualTo(1);
        }
    }

    @Test
    void aPlayerWhoReconnectsWithinTheGracePeriodGetsTheirSlotBack() throws Exception {
        int id;
        String match;
        try (SioClient first = SioClient.connect(server, "/game", "returner", Role.USER)) {
            JsonObject res = first.ok("join", new JsonObject());
            id = res.getInteger("you");
            match = res.getString("match");
        }
        try (SioClient again = SioClient.connect(server, "/game", "returner", Role.USER)) {
            JsonObject res = again.ok("join", new JsonObject().put("match", match));
            assertThat(res.getInteger("you")).isEqualTo(id);
            assertThat(res.getJsonObject("snapshot").getJsonObject("p").getJsonObject(Integer.toString(id)).getInteger("w"))
                    .isEqualTo(0);
        }
    }

    @Test
    void snapshotsArriveAtTheTickRateAsDeltasWithAKeyframeEverySecond() throws Exception {
        try (SioClient c = SioClient.connect(server, "/game", "counter", Role.USER)) {
            c.ok("join", new JsonObject());
            long first = c.next("s").getLong("t");
            JsonObject keyframe = c.next("s", s -> s.containsKey("k"));
            long deltas = 0;
            JsonObject s;
            do {
                s = c.next("s");
                if (!s.containsKey("k")) {
                    assertThat(s.getLong("b")).isEqualTo(s.getLong("t") - 1);
                    deltas++;
                }
            } while (!s.containsKey("k"));
            assertThat(deltas).isEqualTo(29);
            assertThat(s.getLong("t") - keyframe.getLong("t")).isEqualTo(30);
            assertThat(keyframe.getLong("t")).isGreaterThan(first - 1);
            JsonObject stats = new JsonObject(server.nagare().game().describe());
            assertThat(stats.getInteger("tickHz")).isEqualTo(30);
            assertThat(stats.getLong("ticks")).isPositive();
        }
    }
}
