package dev.nagare.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a WebSocket client presented at its handshake reaches the app as {@code socket.handshake}. */
class HandshakeTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private final HttpClient http = HttpClient.newHttpClient();

    private Handshake connect(String team, BlockingQueue<Handshake> seen) throws Exception {
        URI uri = URI.create(server.baseUrl().replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket&team=" + team);
        WebSocket ws = http.newWebSocketBuilder().header("X-Team", team).header("Cookie", "a=1")
                .buildAsync(uri, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
        ws.sendText("40/handshake,", true).get(10, TimeUnit.SECONDS);
        Handshake h = seen.poll(10, TimeUnit.SECONDS);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "");
        return h;
    }

    @Test
    void headersQueryAndAddressOfAWebSocketHandshakeReachTheSocket() throws Exception {
        BlockingQueue<Handshake> seen = new LinkedBlockingQueue<>();
        server.nagare().io().of("/handshake").on("connection", s -> seen.add(s.handshake()));
        Handshake red = connect("red", seen);
        Handshake blue = connect("blue", seen);

        assertThat(red).isNotNull();
        assertThat(red.header("X-Team")).isEqualTo("red");
        assertThat(red.headers().get("x-team")).containsExactly("red");
        assertThat(red.header("cookie")).isEqualTo("a=1");
        assertThat(red.headers().keySet()).allSatisfy(k -> assertThat(k).isEqualTo(k.toLowerCase(Locale.ROOT)))
                .contains("host", "upgrade", "sec-websocket-key");
        assertThat(red.queryParam("team")).isEqualTo("red");
        assertThat(red.query().get("transport")).isEqualTo(List.of("websocket"));
        assertThat(red.remoteAddress()).isEqualTo("127.0.0.1");
        assertThat(red.url()).startsWith("/socket.io/?EIO=4&transport=websocket&team=red");
        assertThat(blue.header("x-team")).isEqualTo("blue");
        // Header names are kept once for all sessions, not copied into each (issue #21).
        assertThat(name(blue, "x-team")).isSameAs(name(red, "x-team"));
        assertThat(name(blue, "sec-websocket-key")).isSameAs(name(red, "sec-websocket-key"));
    }

    private static String name(Handshake h, String lower) {
        return h.headers().keySet().stream().filter(lower::equals).findFirst().orElseThrow();
    }
}
