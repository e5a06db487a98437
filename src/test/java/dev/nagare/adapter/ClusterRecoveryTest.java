package dev.nagare.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.ConfigResolver;
import dev.nagare.server.Nagare;
import dev.nagare.server.Setting;
import dev.nagare.socketio.Namespace;
import dev.nagare.testing.NodeScript;
import dev.nagare.testing.RedisServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connection state recovery across two nodes of a cluster on a real redis-server, with the official
 * client: a socket whose node never got to say goodbye (as after {@code kill -9}) is restored on the
 * other node with its id and rooms, and gets the packets it missed, in order, once.
 */
class ClusterRecoveryTest {
    private static RedisServer redis;
    private static final List<Nagare> nodes = new ArrayList<>();

    @BeforeAll
    static void twoNodes() throws Exception {
        redis = RedisServer.start();
        for (int i = 0; i < 2; i++) {
            Nagare node = Nagare.create(ConfigResolver.resolve(Map.of(Setting.CLUSTER, redis.url(), Setting.APPS, "none"), Map.of())
                    .withPort(0).withDataDir(Files.createTempDirectory("nagare-rec"))).start();
            Namespace rec = node.io().of("/rec").enableRecovery(Duration.ofMinutes(2));
            rec.onConnection(s -> {
                String room = s.handshake().queryParam("room");
                if (room != null) {
                    s.join(room);
                }
                s.on("say", (args, ack) -> rec.to("r").emit("msg", args.get(0)));
            });
            nodes.add(node);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        nodes.forEach(Nagare::stop);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aSocketWhoseNodeDiedIsRestoredOnAnotherNodeWithWhatItMissed() throws Exception {
        JsonObject r = NodeScript.run("cluster-recovery.mjs", nodes.get(0).baseUrl(), nodes.get(1).baseUrl());
        assertThat(r.getBoolean("offsetShape")).as("offsets are Redis stream ids, the same on every node").isTrue();
        // (The client's own "recovered" flag compares with a pid it held before: a new client cannot show it.)
        assertThat(r.getBoolean("sameId")).as("restored with its id").isTrue();
        // What it missed, in order, once; then what came after, since its room came back with it.
        assertThat(r.getJsonArray("got")).isEqualTo(new JsonArray().add("missed-1").add("missed-2").add("after"));
    }
}
