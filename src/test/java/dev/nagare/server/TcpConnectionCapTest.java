package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.TestServer;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Past the global connection cap new connections are closed at once, and the server serves again once load falls. */
class TcpConnectionCapTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(
            Setting.MAX_TCP_CONNECTIONS, "5",
            Setting.MAX_CONNECTIONS_PER_ADDRESS, "0",
            Setting.REQUEST_TIMEOUT, "60"));

    private static Socket open() throws IOException {
        Socket s = new Socket("127.0.0.1", server.nagare().port());
        s.setSoTimeout(5000);
        return s;
    }

    private static String health(Socket s) throws IOException {
        s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        try {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketException reset) {
            return "";
        }
    }

    @Test
    void connectionsPastTheCapAreClosedAndTheServerRecovers() throws Exception {
        assertThat(server.nagare().guard().maxConnections()).isEqualTo(5);
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            idle.add(open());
        }
        // Connections are served by several event loops: the sixth must come after the five are counted.
        long counted = System.nanoTime() + 5_000_000_000L;
        while (server.nagare().guard().open() < 5 && System.nanoTime() < counted) {
            Thread.sleep(10); // polling a counter the server updates when it accepts a connection
        }
        try (Socket over = open()) {
            assertThat(health(over)).isEmpty(); // closed without a word: nothing is spent on it
        }
        for (Socket s : idle) {
            s.close();
        }
        long end = System.nanoTime() + 5_000_000_000L;
        while (server.nagare().guard().open() > 0 && System.nanoTime() < end) {
            Thread.sleep(10); // polling a counter the server updates when it sees the close
        }
        try (Socket again = open()) {
            assertThat(health(again)).startsWith("HTTP/1.1 200");
        }
    }
}
