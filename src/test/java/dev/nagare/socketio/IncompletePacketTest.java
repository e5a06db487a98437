package dev.nagare.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import dev.nagare.engine.EngineConfig;
import dev.nagare.testing.EngineFixture;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A packet announcing binary attachments holds memory until they all arrive: one packet with its
 * attachments is capped at maxPayload, and one left incomplete for a heartbeat period is closed
 * with a policy close code and the reason. Others on the server are unaffected.
 */
class IncompletePacketTest {
    private static final int MAX_PAYLOAD = 10_000;
    private static final String FOUR_ATTACHMENTS = "454-[\"e\",{\"_placeholder\":true,\"num\":0},"
            + "{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":2},{\"_placeholder\":true,\"num\":3}]";

    private EngineFixture server;

    @BeforeEach
    void start() throws Exception {
        server = EngineFixture.start(EngineConfig.defaults().withHeartbeat(300, 400).withMaxPayload(MAX_PAYLOAD),
                io -> io.of("/").on("connection", s -> s.on("e", (args, ack) -> ack.send("got " + args.size()))));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** A raw client that answers pings, joins "/", records text frames and how it was closed. */
    private record Client(ClientWebSocket ws, BlockingQueue<String> frames, CompletableFuture<String> closed) {
        void send(String text) {
            ws.writeTextMessage(text);
        }

        void sendBinary(int bytes) {
            ws.writeBinaryMessage(Buffer.buffer(new byte[bytes]));
        }

        String nextEvent() throws InterruptedException {
            return frames.poll(5, TimeUnit.SECONDS);
        }
    }

    private Client join() throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        CompletableFuture<String> closed = new CompletableFuture<>();
        ClientWebSocket ws = server.webSockets().webSocket();
        ws.textMessageHandler(text -> {
            if (text.equals("2")) {
                ws.writeTextMessage("3");
            } else {
                frames.add(text);
            }
        });
        ws.closeHandler(v -> closed.complete(ws.closeStatusCode() + " " + ws.closeReason()));
        ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port())
                .setURI("/socket.io/?EIO=4&transport=websocket")).await(10, TimeUnit.SECONDS);
        assertThat(frames.poll(5, TimeUnit.SECONDS)).startsWith("0{");
        ws.writeTextMessage("40");
        assertThat(frames.poll(5, TimeUnit.SECONDS)).startsWith("40{\"sid\"");
        return new Client(ws, frames, closed);
    }

    @Test
    void attachmentsThatAddUpPastMaxPayloadCloseWith1009AndTheReason() throws Exception {
        Client attacker = join();
        Client witness = join();
        attacker.send(FOUR_ATTACHMENTS);
        for (int i = 0; i < 3; i++) {
            attacker.sendBinary(4_000); // each frame is under maxPayload; the third takes the packet over it
        }
        assertThat(attacker.closed().get(5, TimeUnit.SECONDS))
                .isEqualTo("1009 packet with its binary attachments over maxPayload (10000 bytes)");

        witness.send("451-0[\"e\",{\"_placeholder\":true,\"num\":0}]");
        witness.sendBinary(100);
        assertThat(witness.nextEvent()).isEqualTo("430[\"got 1\"]");
    }

    @Test
    void aPacketLeftIncompleteForAHeartbeatPeriodIsClosedWith1008() throws Exception {
        Client attacker = join();
        attacker.send(FOUR_ATTACHMENTS);
        attacker.sendBinary(100); // one of four, then nothing, while the client answers every ping
        assertThat(attacker.closed().get(5, TimeUnit.SECONDS))
                .isEqualTo("1008 binary attachments not completed within 700 ms");
    }

    @Test
    void attachmentsWithinTheCapAreReassembledAsBefore() throws Exception {
        Client client = join();
        client.send("454-7[\"e\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1},"
                + "{\"_placeholder\":true,\"num\":2},{\"_placeholder\":true,\"num\":3}]");
        for (int i = 0; i < 4; i++) {
            client.sendBinary(2_000);
        }
        assertThat(client.nextEvent()).isEqualTo("437[\"got 4\"]");
    }

    @Test
    void aSocketIoProtocolErrorClosesWith1002AndSaysWhy() throws Exception {
        Client client = join();
        client.send("42{}");
        assertThat(client.closed().get(5, TimeUnit.SECONDS)).startsWith("1002 parse error: ");
    }

    /**
     * An incomplete packet's attachments wait off the heap, in pooled direct buffers, and go back
     * to the pool when the packet is refused: held as heap arrays, an attacker's incomplete packets
     * (up to an eighth of the heap) were copied by every young collection, in pauses of 100-156 ms
     * that stopped the event loop (issue 15). Attachments of 100,000 bytes are past Netty's
     * per-thread cache, so the pool's count of live allocations is exact for them.
     */
    @Test
    void anIncompletePacketsAttachmentsWaitOffTheHeapAndAreReleasedWhenItIsRefused() throws Exception {
        server.close();
        server = EngineFixture.start(EngineConfig.defaults().withHeartbeat(300, 400).withMaxPayload(1_000_000),
                io -> io.of("/").on("connection", s -> s.on("e", (args, ack) -> ack.send("got " + args.size()))));
        long before = liveDirectAllocations();
        Client attacker = join();
        attacker.send(FOUR_ATTACHMENTS);
        for (int i = 0; i < 3; i++) {
            attacker.sendBinary(100_000);
        }
        assertThat(pollUntil(() -> liveDirectAllocations() >= before + 3)).as("three attachments held off the heap").isTrue();
        assertThat(attacker.closed().get(5, TimeUnit.SECONDS)).startsWith("1008 ");
        assertThat(pollUntil(() -> liveDirectAllocations() <= before)).as("released with the refused packet").isTrue();
    }

    private static long liveDirectAllocations() {
        return io.netty.buffer.PooledByteBufAllocator.DEFAULT.metric().directArenas().stream()
                .mapToLong(io.netty.buffer.PoolArenaMetric::numActiveAllocations).sum();
    }

    /** The pool's counters have no listener: read them until true, for up to 5 s. */
    private static boolean pollUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
