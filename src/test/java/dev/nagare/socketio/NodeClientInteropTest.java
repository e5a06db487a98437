package dev.nagare.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.NodeScript;
import dev.nagare.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The official Node socket.io-client 4.8 against the real server (src/test/js/interop.mjs). */
class NodeClientInteropTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @BeforeAll
    static void handlers() {
        SocketIoServer io = server.nagare().io();
        Namespace ns = io.of("/interop");
        ns.on("connection", socket -> {
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
            socket.on("join", (args, ack) -> {
                socket.join((String) args.get(0));
                ack.send();
            });
            socket.on("tell", (args, ack) -> {
                String room = (String) args.get(0);
                (room.isEmpty() ? ns.except() : ns.to(room)).emit("news", args.get(1));
                ack.send();
            });
            socket.on("kick", (args, ack) -> socket.disconnect(true));
            socket.emitWithAck("ask", 21).onSuccess(reply -> socket.emit("answer", reply.get(0)));
        });
        Namespace recover = io.of("/recover").enableRecovery(java.time.Duration.ofMinutes(2));
        recover.on("connection", socket -> {
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
            socket.on("join", (args, ack) -> {
                socket.join((String) args.get(0));
                ack.send();
            });
            socket.on("tell", (args, ack) -> {
                recover.to((String) args.get(0)).emit("news", args.get(1));
                ack.send();
            });
        });
        io.of("/private").use(socket -> Future.failedFuture(
                new ConnectError("not authorized", Map.of("reason", "bad token"))));
    }

    private static JsonObject scenario(String name) throws Exception {
        return NodeScript.run("interop.mjs", server.baseUrl(), name);
    }

    @Test
    void longPollingOnlyClientConnectsAndGetsAcks() throws Exception {
        JsonObject r = scenario("polling");
        assertThat(r.getString("transport")).isEqualTo("polling");
        assertThat(r.getJsonObject("reply")).isEqualTo(new JsonObject().put("text", "héllo").put("n", 42));
    }

    @Test
    void webSocketOnlyClientConnectsAndGetsAcks() throws Exception {
        JsonObject r = scenario("websocket");
        assertThat(r.getString("transport")).isEqualTo("websocket");
        assertThat(r.getString("reply")).isEqualTo("over websocket");
    }

    @Test
    void defaultClientUpgradesFromPollingToWebSocket() throws Exception {
        JsonObject r = scenario("upgrade");
        assertThat(r.getString("before")).isEqualTo("polling");
        assertThat(r.getString("after")).isEqualTo("websocket");
        assertThat(r.getString("reply")).isEqualTo("after upgrade");
    }

    @Test
    void binaryNestedInObjectsRoundTripsAsBinary() throws Exception {
        JsonObject r = scenario("binary");
        assertThat(r.getString("name")).isEqualTo("blob");
        assertThat(r.getJsonArray("data")).isEqualTo(new JsonArray(List.of(0, 1, 2, 253, 254, 255)));
        assertThat(r.getString("nested")).isEqualTo("xyz");
        assertThat(r.getBoolean("isBinary")).isTrue();
    }

    @Test
    void binaryOverLongPollingTravelsAsBase64AndComesBackIntact() throws Exception {
        assertThat(scenario("binaryPolling").getJsonArray("data")).isEqualTo(new JsonArray(List.of(9, 8, 7)));
    }

    @Test
    void serverEmitWithAckGetsTheClientsReply() throws Exception {
        assertThat(scenario("serverAck").getInteger("answer")).isEqualTo(42);
    }

    @Test
    void roomBroadcastReachesOnlyMembersAndExceptAllReachesEveryone() throws Exception {
        JsonObject r = scenario("rooms");
        assertThat(r.getJsonArray("a")).isEqualTo(new JsonArray().add("for r1").add("for all"));
        assertThat(r.getJsonArray("b")).isEqualTo(new JsonArray().add("for all"));
    }

    @Test
    void aServerDisconnectWithCloseEndsTheSocketAsSocketIoDoesAndTheClientMayConnectAgain() throws Exception {
        JsonObject r = scenario("reconnect");
        // As a Node server's socket.disconnect(true): DISCONNECT first, so the client does not reconnect by itself.
        assertThat(r.getString("reason")).isEqualTo("io server disconnect");
        assertThat(r.getBoolean("changedId")).isTrue();
        assertThat(r.getString("reply")).isEqualTo("back");
    }

    @Test
    void connectionStateRecoveryRestoresIdRoomsAndMissedPackets() throws Exception {
        JsonObject r = scenario("recovery");
        // The client closed its own transport; the server saw "transport close", a recoverable reason.
        assertThat(r.getString("reason")).isEqualTo("forced close");
        assertThat(r.getBoolean("recovered")).isTrue();
        assertThat(r.getBoolean("sameId")).isTrue();
        assertThat(r.getJsonArray("news")).isEqualTo(new JsonArray().add("m1").add("m2").add("m3"));
    }

    @Test
    void connectMiddlewareRefusalReachesTheClientAsConnectError() throws Exception {
        JsonObject r = scenario("refused");
        assertThat(r.getString("message")).isEqualTo("not authorized");
        assertThat(r.getJsonObject("data")).isEqualTo(new JsonObject().put("reason", "bad token"));
    }
}
