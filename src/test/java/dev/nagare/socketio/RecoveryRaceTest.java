package dev.nagare.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.engine.EngineConfig;
import dev.nagare.testing.EngineFixture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A broadcast made while a recovering socket's connect middleware is still running (a token
 * lookup, say) reaches it once, after the packets it missed while away.
 */
class RecoveryRaceTest {
    private EngineFixture server;
    private Namespace ns;
    private final CompletableFuture<Promise<Void>> gateOpened = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        server = EngineFixture.start(EngineConfig.defaults(), io -> {
            ns = io.of("/rec").enableRecovery(Duration.ofMinutes(2));
            ns.use(socket -> {
                if (!socket.recovered()) {
                    return Future.succeededFuture();
                }
                Promise<Void> gate = Promise.promise(); // held until the test has broadcast
                gateOpened.complete(gate);
                return gate.future();
            });
            ns.on("connection", socket -> socket.on("join", (args, ack) -> {
                socket.join("news");
                ack.send();
            }));
        });
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private ClientWebSocket open(BlockingQueue<String> frames) throws Exception {
        ClientWebSocket ws = server.webSockets().webSocket();
        ws.textMessageHandler(text -> {
            if (text.equals("2")) {
                ws.writeTextMessage("3");
            } else {
                frames.add(text);
            }
        });
        ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port())
                .setURI("/socket.io/?EIO=4&transport=websocket")).await(10, TimeUnit.SECONDS);
        assertThat(frames.poll(5, TimeUnit.SECONDS)).startsWith("0{");
        return ws;
    }

    private static JsonArray event(String frame) {
        assertThat(frame).startsWith("42/rec,");
        return new JsonArray(frame.substring("42/rec,".length()));
    }

    @Test
    void aBroadcastDuringTheRecoveringSocketsMiddlewareIsDeliveredOnceInOrder() throws Exception {
        BlockingQueue<String> first = new LinkedBlockingQueue<>();
        ClientWebSocket before = open(first);
        before.writeTextMessage("40/rec,{}");
        JsonObject connected = new JsonObject(first.poll(5, TimeUnit.SECONDS).substring("40/rec,".length()));
        before.writeTextMessage("42/rec,1[\"join\"]");
        assertThat(first.poll(5, TimeUnit.SECONDS)).isEqualTo("43/rec,1[]");
        ns.to("news").emit("news", "m1");
        String offset = event(first.poll(5, TimeUnit.SECONDS)).getString(2);

        before.close().await(5, TimeUnit.SECONDS); // the transport drops: the session is kept for recovery
        ns.to("news").emit("news", "m2");          // missed while away

        BlockingQueue<String> second = new LinkedBlockingQueue<>();
        ClientWebSocket after = open(second);
        after.writeTextMessage("40/rec," + new JsonObject().put("pid", connected.getString("pid"))
                .put("offset", offset).encode());
        Promise<Void> gate = gateOpened.get(5, TimeUnit.SECONDS);
        ns.to("news").emit("news", "m3");          // while the middleware still runs
        server.vertx().runOnContext(v -> gate.complete());

        assertThat(second.poll(5, TimeUnit.SECONDS)).startsWith("40/rec,{\"sid\":\"" + connected.getString("sid"));
        assertThat(event(second.poll(5, TimeUnit.SECONDS)).getString(1)).isEqualTo("m2");
        assertThat(event(second.poll(5, TimeUnit.SECONDS)).getString(1)).isEqualTo("m3");
        ns.to("news").emit("news", "m4");
        assertThat(event(second.poll(5, TimeUnit.SECONDS)).getString(1)).isEqualTo("m4");
        assertThat(second.poll(200, TimeUnit.MILLISECONDS)).isNull();
        after.close();
    }
}
