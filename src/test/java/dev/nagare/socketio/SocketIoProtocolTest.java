package dev.nagare.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.ProtocolClient;
import dev.nagare.testing.ProtocolClient.Closed;
import dev.nagare.testing.ProtocolClient.Response;
import dev.nagare.testing.ProtocolClient.Ws;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Socket.IO v5 on the wire, against the Socket.IO endpoint of the conformance fixture: "/" emits
 * {@code auth} with the CONNECT payload and answers "message" with "message-back" and
 * "message-with-ack" with an ack of the same arguments; "/custom" emits {@code auth}; connectTimeout
 * is 1000 ms. Every frame is an Engine.IO MESSAGE, so each Socket.IO packet below starts with "4".
 */
class SocketIoProtocolTest {
    private static final String P = "/socket.io/?EIO=4&transport=polling";
    private static final String WSU = "/socket.io/?EIO=4&transport=websocket";

    private static ProtocolClient client;

    @BeforeAll
    static void startFixture() {
        client = ProtocolClient.startFixture();
        try (Ws ws = connectedEngine()) {
            ws.send("40");
            ws.nextTextSkippingPings();
            ws.nextTextSkippingPings();
        }
    }

    @AfterAll
    static void stopFixture() {
        client.close();
    }

    /** A WebSocket on /socket.io/ past the Engine.IO open packet, not yet connected to any namespace. */
    private static Ws connectedEngine() {
        Ws ws = client.openWebSocket(WSU);
        assertThat(ws.nextText()).startsWith("0{");
        return ws;
    }

    /** A WebSocket connected to "/", past the CONNECT ack and the auth event. */
    private static Ws connectedToMain() {
        Ws ws = connectedEngine();
        ws.send("40");
        assertThat(ws.nextTextSkippingPings()).startsWith("40{\"sid\":");
        assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"auth\",{}]");
        return ws;
    }

    /** Checks {@code ack} is {@code prefix} + a JSON object whose only key is a string "sid"; returns it. */
    private static String assertConnectAck(String ack, String prefix) {
        assertThat(ack).startsWith(prefix);
        JsonObject body = new JsonObject(ack.substring(prefix.length()));
        assertThat(body.fieldNames()).containsExactly("sid");
        assertThat(body.getValue("sid")).isInstanceOf(String.class);
        String sid = body.getString("sid");
        assertThat(ack).isEqualTo(prefix + "{\"sid\":\"" + sid + "\"}");
        return sid;
    }

    // ---- Engine.IO under /socket.io/ ----

    @Test
    void theSocketIoPathOpensEngineSessionsWithTheFiveKeyOpenPacket() {
        Response r = client.get(P);
        assertThat(r.status()).isEqualTo(200);
        String sid = new JsonObject(r.body().substring(1)).getString("sid");
        // polling: "0" + the five keys, upgrades ["websocket"]
        assertThat(r.body()).isEqualTo("0{\"sid\":\"" + sid + "\",\"upgrades\":[\"websocket\"],"
                + "\"pingInterval\":300,\"pingTimeout\":200,\"maxPayload\":1000000}");
        try (Ws ws = client.openWebSocket(WSU)) {
            String open = ws.nextText();
            String wsSid = new JsonObject(open.substring(1)).getString("sid");
            // WebSocket: "0" + the five keys, upgrades []
            assertThat(open).isEqualTo("0{\"sid\":\"" + wsSid + "\",\"upgrades\":[],"
                    + "\"pingInterval\":300,\"pingTimeout\":200,\"maxPayload\":1000000}");
        }
    }

    // ---- connect ----

    @Test
    void connectingToTheMainNamespaceAnswersASidOnlyAckThenTheEmptyAuthEvent() {
        try (Ws ws = client.openWebSocket(WSU)) {
            String engineSid = new JsonObject(ws.nextText().substring(1)).getString("sid");
            // "40": CONNECT to "/" without a payload
            ws.send("40");
            String socketSid = assertConnectAck(ws.nextTextSkippingPings(), "40");
            assertThat(socketSid).as("the Socket.IO id is not the Engine.IO id").isNotEqualTo(engineSid);
            // EVENT "auth" with the (empty) handshake auth
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"auth\",{}]");
        }
    }

    @Test
    void connectingToTheMainNamespaceWithAPayloadHandsThePayloadToTheServerAsAuth() {
        try (Ws ws = connectedEngine()) {
            // CONNECT to "/" with the auth payload {"token":"123"}
            ws.send("40{\"token\":\"123\"}");
            assertConnectAck(ws.nextTextSkippingPings(), "40");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"auth\",{\"token\":\"123\"}]");
        }
    }

    @Test
    void connectingToACustomNamespaceAnswersAnAckAndEventsPrefixedWithTheNamespace() {
        try (Ws ws = connectedEngine()) {
            // CONNECT to "/custom": namespace then a comma, no payload
            ws.send("40/custom,");
            assertConnectAck(ws.nextTextSkippingPings(), "40/custom,");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42/custom,[\"auth\",{}]");
        }
    }

    @Test
    void connectingToACustomNamespaceWithAPayloadHandsThePayloadToTheServerAsAuth() {
        try (Ws ws = connectedEngine()) {
            // CONNECT to "/custom" with the auth payload {"token":"abc"}
            ws.send("40/custom,{\"token\":\"abc\"}");
            assertConnectAck(ws.nextTextSkippingPings(), "40/custom,");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42/custom,[\"auth\",{\"token\":\"abc\"}]");
        }
    }

    @Test
    void connectingToAnUnknownNamespaceIsRefusedWithInvalidNamespaceAndKeepsTheConnection() {
        try (Ws ws = connectedEngine()) {
            // CONNECT to "/random", the namespace ending at the end of the packet (no comma)
            ws.send("40/random");
            // CONNECT_ERROR for "/random"
            assertThat(ws.nextTextSkippingPings()).isEqualTo("44/random,{\"message\":\"Invalid namespace\"}");
            // the Engine.IO connection stays usable
            ws.send("40");
            assertConnectAck(ws.nextTextSkippingPings(), "40");
        }
    }

    @Test
    void connectingOverPollingDeliversTheAckAndTheAuthEventOnTheNextPolls() {
        String sid = client.openPollingSession("/socket.io/");
        // POST "40" -> 200 "ok"
        assertThat(client.post(P + "&sid=" + sid, "40")).isEqualTo(new Response(200, "ok"));
        List<String> packets = pollPackets(sid, 2);
        assertConnectAck(packets.get(0), "40");
        assertThat(packets.get(1)).isEqualTo("42[\"auth\",{}]");
    }

    /**
     * Polls {@code sid} until {@code count} Engine.IO packets other than pings have arrived (pings
     * are answered); returns them as they appear in the payloads.
     */
    private static List<String> pollPackets(String sid, int count) {
        List<String> packets = new ArrayList<>();
        while (packets.size() < count) {
            Response poll = client.get(P + "&sid=" + sid);
            assertThat(poll.status()).isEqualTo(200);
            for (String packet : poll.body().split("\u001e")) {
                if (packet.equals("2")) {
                    assertThat(client.post(P + "&sid=" + sid, "3")).isEqualTo(new Response(200, "ok"));
                } else {
                    packets.add(packet);
                }
            }
        }
        assertThat(packets).hasSize(count);
        return packets;
    }

    @Test
    void aPollingClientWhosePacketIsInvalidIsToldOfTheCloseOnItsNextPoll() {
        String sid = client.openPollingSession("/socket.io/");
        // POST "4abc": an Engine.IO MESSAGE that is no Socket.IO packet; the server closes the session
        Response post = client.post(P + "&sid=" + sid, "4abc");
        assertThat(post.status()).isIn(200, 400);
        // No poll was pending, so the next one carries the CLOSE packet: its payload ends with "1"
        // (the reference server answers "6" 0x1E "1", NOOP then CLOSE).
        Response poll = client.get(P + "&sid=" + sid);
        assertThat(poll.status()).as("status of the poll after the close, answered %s", poll).isEqualTo(200);
        assertThat(List.of(poll.body().split("\u001e"))).last().isEqualTo("1");
        assertThat(client.get(P + "&sid=" + sid).status()).isEqualTo(400);
    }

    @Test
    void aPacketThatIsNotSocketIoInsteadOfTheHandshakeClosesTheConnection() {
        try (Ws ws = connectedEngine()) {
            // "abc" inside an Engine.IO MESSAGE: 'a' is no Socket.IO packet type
            ws.send("4abc");
            // pings are answered, so only the invalid packet can be what ends the connection
            ws.nextCloseSkippingPings();
        }
    }

    @Test
    void aClientThatNeverConnectsToANamespaceIsClosedAfterTheConnectTimeout() {
        ProtocolClient.retryWhileClientTooSlow(3, () -> {
            long start = System.nanoTime();
            try (Ws ws = connectedEngine()) {
                // Answer every ping so only the connect timeout (1000 ms) can end the session; until
                // then the server sends nothing but pings.
                Object event = ws.nextSkippingPings();
                assertThat(event).isInstanceOf(Closed.class);
                long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
                if (elapsed < 990) {
                    return false; // a pong came too late and the ping timeout struck first
                }
                assertThat(elapsed).isLessThan(2500);
                return true;
            }
        });
    }

    // ---- disconnect ----

    @Test
    void disconnectingFromTheMainNamespaceGetsNoReplyAndKeepsTheEngineConnectionOpen() {
        try (Ws ws = connectedToMain()) {
            // "41": DISCONNECT from "/"
            ws.send("41");
            // nothing is answered: the next frame is the first ping, and the connection is still open
            assertThat(ws.next()).isEqualTo("2");
            ws.send("3");
            ws.send("40");
            assertConnectAck(ws.nextTextSkippingPings(), "40");
        }
    }

    @Test
    void disconnectingFromACustomNamespaceLeavesTheMainNamespaceConnected() {
        try (Ws ws = connectedToMain()) {
            // CONNECT to "/custom" without the trailing comma
            ws.send("40/custom");
            assertConnectAck(ws.nextTextSkippingPings(), "40/custom,");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42/custom,[\"auth\",{}]");
            // DISCONNECT from "/custom" without the trailing comma
            ws.send("41/custom");
            ws.send("42[\"message\",\"message to main namespace\"]");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"message-back\",\"message to main namespace\"]");
        }
    }

    // ---- events and acks ----

    @Test
    void aPlainTextEventIsAnsweredWithTheSameArgumentsByteForByte() {
        try (Ws ws = connectedToMain()) {
            // EVENT "message" with 1, "2", {"3":[true]}
            ws.send("42[\"message\",1,\"2\",{\"3\":[true]}]");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"message-back\",1,\"2\",{\"3\":[true]}]");
        }
    }

    @Test
    void anEventWithBinaryAttachmentsComesBackAsPlaceholdersFollowedByTheRawAttachments() {
        try (Ws ws = connectedToMain()) {
            // BINARY_EVENT with 2 attachments, then the attachments as raw binary frames
            ws.send("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            ws.sendBinary((byte) 1, (byte) 2, (byte) 3);
            ws.sendBinary((byte) 4, (byte) 5, (byte) 6);
            // BINARY_EVENT "message-back", placeholders with "_placeholder" before "num"
            assertThat(ws.nextTextSkippingPings()).isEqualTo(
                    "452-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            assertThat(ws.nextBinarySkippingPings()).isEqualTo(new byte[] {1, 2, 3});
            assertThat(ws.nextBinarySkippingPings()).isEqualTo(new byte[] {4, 5, 6});
        }
    }

    @Test
    void binaryAttachmentsNestedInObjectsComeBackInPlace() {
        try (Ws ws = connectedToMain()) {
            // BINARY_EVENT with 1 attachment nested in an object, then the attachment
            ws.send("451-[\"message\",{\"a\":{\"_placeholder\":true,\"num\":0},\"b\":[1]}]");
            ws.sendBinary((byte) 7, (byte) 8);
            // the same structure back, the placeholder where the bytes were
            assertThat(ws.nextTextSkippingPings())
                    .isEqualTo("451-[\"message-back\",{\"a\":{\"_placeholder\":true,\"num\":0},\"b\":[1]}]");
            assertThat(ws.nextBinarySkippingPings()).isEqualTo(new byte[] {7, 8});
        }
    }

    @Test
    void binaryAttachmentsTravelOverPollingAsBase64Packets() {
        String sid = client.openPollingSession("/socket.io/");
        assertThat(client.post(P + "&sid=" + sid, "40")).isEqualTo(new Response(200, "ok"));
        List<String> connect = pollPackets(sid, 2);
        assertConnectAck(connect.get(0), "40");
        // BINARY_EVENT with 2 placeholders, then "b" + base64(01 02 03) and "b" + base64(04 05 06)
        String event = "452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]";
        assertThat(client.post(P + "&sid=" + sid, event + "\u001ebAQID\u001ebBAUG"))
                .isEqualTo(new Response(200, "ok"));
        // BINARY_EVENT "message-back", then the same two base64 attachments
        assertThat(pollPackets(sid, 3)).containsExactly(
                "452-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
                "bAQID", "bBAUG");
    }

    @Test
    void anEventWithAnAckIdIsAcknowledgedWithTheSameIdAndArguments() {
        try (Ws ws = connectedToMain()) {
            // EVENT "message-with-ack" with ack id 456
            ws.send("42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
            // ACK 456 with the arguments
            assertThat(ws.nextTextSkippingPings()).isEqualTo("43456[1,\"2\",{\"3\":[false]}]");
        }
    }

    @Test
    void aBinaryEventWithAnAckIdIsAcknowledgedWithABinaryAck() {
        try (Ws ws = connectedToMain()) {
            // BINARY_EVENT with 2 attachments and ack id 789
            ws.send("452-789[\"message-with-ack\","
                    + "{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            ws.sendBinary((byte) 1, (byte) 2, (byte) 3);
            ws.sendBinary((byte) 4, (byte) 5, (byte) 6);
            // BINARY_ACK with 2 attachments and id 789
            assertThat(ws.nextTextSkippingPings())
                    .isEqualTo("462-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            assertThat(ws.nextBinarySkippingPings()).isEqualTo(new byte[] {1, 2, 3});
            assertThat(ws.nextBinarySkippingPings()).isEqualTo(new byte[] {4, 5, 6});
        }
    }

    // ---- invalid packets ----

    @Test
    void aPlaceholderPointingPastTheAttachmentsClosesTheConnection() {
        try (Ws ws = connectedToMain()) {
            // BINARY_EVENT announcing 1 attachment but referring to attachment 1 (of 0..0)
            ws.send("451-[\"message\",{\"_placeholder\":true,\"num\":1}]");
            ws.sendBinary((byte) 1);
            ws.nextCloseSkippingPings();
        }
    }

    @Test
    void aTextPacketWhileAttachmentsAreStillExpectedClosesTheConnection() {
        try (Ws ws = connectedToMain()) {
            // BINARY_EVENT announcing 1 attachment, then a text packet instead of the attachment
            ws.send("451-[\"message\",{\"_placeholder\":true,\"num\":0}]");
            ws.send("42[\"message\",1]");
            ws.nextCloseSkippingPings();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        // unknown Socket.IO packet type 'a'
        "4abc",
        // unknown Socket.IO packet type '7'
        "47[\"message\"]",
        // EVENT whose payload is an object, not an array
        "42{}",
        // EVENT with a non-numeric ack id
        "42abc[\"message-with-ack\",1,\"2\",{\"3\":[false]}]",
        // CONNECT whose payload is a string, not an object
        "40\"abc\"",
        // DISCONNECT with a payload
        "41{}",
        // EVENT named with a reserved name
        "42[\"disconnect\"]",
    })
    void anInvalidPacketFromAConnectedClientClosesTheConnection(String packet) {
        try (Ws ws = connectedToMain()) {
            ws.send(packet);
            // the connection ends without a reply; pings are answered, so the heartbeat did not end it
            ws.nextCloseSkippingPings();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        // EVENT whose JSON array is followed by a second array
        "42[\"message\",1][\"message\",2]",
        // EVENT whose JSON array is followed by garbage
        "42[\"message\",1]xyz",
        // CONNECT whose JSON object is followed by a stray brace
        "40/custom,{\"token\":\"abc\"}}",
    })
    void aPayloadThatIsNotExactlyOneJsonValueIsInvalidAndClosesTheConnection(String packet) {
        try (Ws ws = connectedToMain()) {
            ws.send(packet);
            // JSON.parse rejects the whole payload, so the packet is a parse error: close, no reply
            ws.nextCloseSkippingPings();
        }
    }
}
