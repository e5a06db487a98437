package dev.nagare.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import io.socket.client.IO;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What an installed {@link Observer} hears of a real Java client's life, in order, and that removing it silences it. */
class ObserverTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.APPS, "none"));

    /** Records the socket-level calls as "what nsp arg" lines; counts packets. Event-loop only writers. */
    static final class Recorder implements Observer {
        final BlockingQueue<String> calls = new LinkedBlockingQueue<>();
        final AtomicLong packetsIn = new AtomicLong();
        final AtomicLong bytesOut = new AtomicLong();

        @Override
        public void sessionOpened(String sessionId) {
            calls.add("open");
        }

        @Override
        public void sessionClosed(String sessionId, String reason) {
            calls.add("close " + reason);
        }

        @Override
        public void packetIn(int bytes) {
            packetsIn.incrementAndGet();
        }

        @Override
        public void packetOut(int bytes) {
            bytesOut.addAndGet(bytes);
        }

        @Override
        public void connected(Socket socket) {
            calls.add("connected " + socket.namespace().name());
        }

        @Override
        public void disconnected(Socket socket, String reason) {
            calls.add("disconnected " + reason);
        }

        @Override
        public void joined(Socket socket, String room) {
            calls.add("joined " + (room.equals(socket.id()) ? "<own>" : room));
        }

        @Override
        public void left(Socket socket, String room) {
            calls.add("left " + (room.equals(socket.id()) ? "<own>" : room));
        }

        @Override
        public void received(Socket socket, List<Object> eventAndArgs) {
            calls.add("received " + eventAndArgs);
        }

        @Override
        public void sent(Socket socket, List<Object> eventAndArgs) {
            calls.add("sent " + eventAndArgs);
        }
    }

    @Test
    void anObserverHearsSessionsSocketsRoomsEventsBothWaysAndBroadcastsInOrder() throws Exception {
        Recorder recorder = new Recorder();
        SocketIoServer sio = server.nagare().io();
        Namespace ns = sio.of("/watched");
        ns.onConnection(socket -> socket.on("enter", (args, ack) -> {
            socket.join("lobby");
            ns.to("lobby").emit("news", "hi");
            socket.leave("lobby");
            ack.send("ok");
        }));
        sio.observe(recorder);
        try {
            io.socket.client.Socket c = IO.socket(URI.create(server.baseUrl() + "/watched"), IO.Options.builder()
                    .setTransports(new String[] {"websocket"}).setReconnection(false).setForceNew(true).build());
            CompletableFuture<Object> acked = new CompletableFuture<>();
            c.on(io.socket.client.Socket.EVENT_CONNECT, a -> c.emit("enter", new Object[] {"x"}, r -> acked.complete(r[0])));
            c.connect();
            assertThat(acked.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
            c.close();

            List<String> expected = List.of("open", "joined <own>", "connected /watched", "received [enter, x]",
                    "joined lobby", "sent [news, hi]", "left lobby", "disconnected client namespace disconnect",
                    "left <own>");
            for (String call : expected) {
                assertThat(recorder.calls.poll(10, TimeUnit.SECONDS)).isEqualTo(call);
            }
            // The session's close reason is the engine's: the Java client closes its transport after DISCONNECT.
            assertThat(recorder.calls.poll(10, TimeUnit.SECONDS)).startsWith("close ");
            assertThat(recorder.packetsIn.get()).isGreaterThanOrEqualTo(2); // CONNECT, the event (and DISCONNECT)
            assertThat(recorder.bytesOut.get()).isPositive();
        } finally {
            sio.observe(Observer.NONE);
        }
        recorder.calls.clear();
        io.socket.client.Socket quiet = IO.socket(URI.create(server.baseUrl() + "/watched"), IO.Options.builder()
                .setTransports(new String[] {"websocket"}).setReconnection(false).setForceNew(true).build());
        CompletableFuture<Void> connected = new CompletableFuture<>();
        quiet.on(io.socket.client.Socket.EVENT_CONNECT, a -> connected.complete(null));
        quiet.connect();
        connected.get(10, TimeUnit.SECONDS);
        quiet.close();
        assertThat(recorder.calls).as("nothing heard once removed").isEmpty();
    }
}
