package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connections of every kind are bounded before they can exhaust file descriptors: per address, in
 * total (below the open-file limit), in time until the first request, and long-lived streams per account.
 */
class ConnectionLimitsTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(
            Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.MAX_CONNECTIONS_PER_ADDRESS, "6",
            Setting.REQUEST_TIMEOUT, "1",
            Setting.MAX_STREAMS_PER_USER, "2"));

    private static String token;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeAll
    static void token() throws Exception {
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        token = server.nagare().tokens().create(admin, "limits-test", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
    }

    @AfterEach
    void closeAll() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    private Socket open() throws IOException {
        Socket s = new Socket("127.0.0.1", server.nagare().port());
        s.setSoTimeout(5000);
        sockets.add(s);
        return s;
    }

    private static void send(Socket s, String path, String... headers) throws IOException {
        StringBuilder b = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        s.getOutputStream().write(b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The response head and whatever body arrives before the peer closes or 5 s pass. */
    private static String readHead(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            if (b.indexOf("\r\n\r\n") >= 0) {
                break;
            }
        }
        return b.toString();
    }

    private static boolean closedByServer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Test
    void anAddressOverItsConnectionCapIsAnswered429WithAReasonAndOthersStillWork() throws Exception {
        for (int i = 0; i < 6; i++) {
            open();
        }
        // Connections are served by several event loops: the seventh must come after the six are counted.
        awaitCounted(6);
        Socket seventh = open();
        send(seventh, "/health/live");
        String response = new String(seventh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(response).startsWith("HTTP/1.1 429").contains("Too many connections from your address (6)");
        assertThat(new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4)).getInteger("status"))
                .isEqualTo(429);

        closeAll();
        awaitOpenConnections(0);
        Socket again = open();
        send(again, "/health/live");
        assertThat(readHead(again)).startsWith("HTTP/1.1 200");
    }

    @Test
    void aClosedWebSocketConnectionGivesItsPlaceBack() throws Exception {
        awaitOpenConnections(0);
        io.vertx.core.Vertx vertx = server.nagare().vertx();
        io.vertx.core.http.WebSocketClient client = vertx.createWebSocketClient();
        for (int i = 0; i < 10; i++) { // more than the per-address cap of 6, one after another
            io.vertx.core.http.WebSocket ws = client.connect(server.nagare().port(), "127.0.0.1",
                    "/socket.io/?EIO=4&transport=websocket").await(5, TimeUnit.SECONDS);
            ws.close().await(5, TimeUnit.SECONDS);
        }
        awaitOpenConnections(0);
        client.close();
    }

    @Test
    void aConnectionThatSendsNoWholeRequestIsClosedAfterTheRequestTimeout() throws Exception {
        Socket silent = open();
        Socket slow = open();
        slow.getOutputStream().write("GET /health/live HTTP/1.1\r\nHo".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(closedByServer(silent)).isTrue();
        assertThat(closedByServer(slow)).isTrue();
    }

    @Test
    void anAccountMayHoldOnlySoManyStreamsAtOnce() throws Exception {
        Socket first = open();
        send(first, "/video/default", "Authorization: Bearer " + token);
        assertThat(readHead(first)).startsWith("HTTP/1.1 200");
        Socket second = open();
        send(second, "/audio/default.wav", "Authorization: Bearer " + token);
        assertThat(readHead(second)).startsWith("HTTP/1.1 200");

        Socket third = open();
        send(third, "/video/default", "Authorization: Bearer " + token);
        String refused = readHead(third);
        assertThat(refused).startsWith("HTTP/1.1 429");

        first.close();
        awaitStreams(1);
        Socket fourth = open();
        send(fourth, "/video/default", "Authorization: Bearer " + token);
        assertThat(readHead(fourth)).startsWith("HTTP/1.1 200");
    }

    @Test
    void byDefaultTheGlobalCapSitsBelowTheOpenFileLimit() {
        long limit = ((com.sun.management.UnixOperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        assertThat((long) server.nagare().guard().maxConnections()).isPositive().isLessThan(limit);
    }

    private static void awaitOpenConnections(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.nagare().guard().open() > n && System.nanoTime() < end) {
            Thread.sleep(10); // polling a counter the server updates when it sees the close
        }
        assertThat(server.nagare().guard().open()).isLessThanOrEqualTo(n);
    }

    private static void awaitCounted(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.nagare().guard().open() < n && System.nanoTime() < end) {
            Thread.sleep(10); // polling a counter the server updates when it accepts a connection
        }
        assertThat(server.nagare().guard().open()).isEqualTo(n);
    }

    private static void awaitStreams(int n) throws Exception {
        long admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow().id();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.nagare().guard().streams(admin) > n && System.nanoTime() < end) {
            Thread.sleep(10); // polling a counter the server updates when it sees the close
        }
        assertThat(server.nagare().guard().streams(admin)).isEqualTo(n);
    }
}
