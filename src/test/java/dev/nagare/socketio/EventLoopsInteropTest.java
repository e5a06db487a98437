package dev.nagare.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.Setting;
import dev.nagare.testing.SioClient;
import dev.nagare.testing.TestServer;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole server on four event loops ({@code --event-loops 4}) with the official Java client:
 * connections spread over the loops (round-robin), every broadcast reaches every client once and in
 * order, and acks answer each client.
 */
class EventLoopsInteropTest {
    private static final int COUNT = 100;

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.EVENT_LOOPS, "4"));

    @Test
    void officialClientsOnFourLoopsGetEachBroadcastOnceAndInOrder() throws Exception {
        assertThat(server.nagare().eventLoops()).isEqualTo(4);
        SocketIoServer io = server.nagare().io();
        Promise<Void> ready = Promise.promise();
        io.engine().context().runOnContext(v -> {
            Namespace ns = io.of("/spread");
            ns.onConnection(socket -> {
                socket.join("all");
                socket.on("go", (args, ack) -> {
                    for (int i = 0; i < COUNT; i++) {
                        ns.to("all").emit("n", new JsonObject().put("i", i));
                    }
                    ack.send(new JsonObject().put("ok", true));
                });
            });
            ready.complete();
        });
        ready.future().await(5, TimeUnit.SECONDS);
        List<SioClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                clients.add(SioClient.connect(server, "/spread", Map.of()));
            }
            clients.get(3).ok("go", new JsonObject());
            for (SioClient c : clients) {
                for (int i = 0; i < COUNT; i++) {
                    assertThat(c.next("n").getInteger("i")).isEqualTo(i);
                }
            }
            // Each one's acks still work, and nothing was delivered twice.
            for (SioClient c : clients) {
                c.ok("go", new JsonObject());
                assertThat(c.next("n").getInteger("i")).isZero();
            }
            for (SioClient c : clients) {
                for (int i = 1; i < COUNT * clients.size(); i++) {
                    c.next("n");
                }
                assertThat(c.pending("n")).isZero();
            }
        } finally {
            clients.forEach(SioClient::close);
        }
    }
}
