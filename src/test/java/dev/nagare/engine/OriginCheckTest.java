package dev.nagare.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cross-site WebSocket hijacking and cross-origin polling are refused unless the origin is allowed. */
class OriginCheckTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ALLOWED_ORIGINS, "https://app.example.com"));

    private static final String HANDSHAKE = "/socket.io/?EIO=4&transport=polling";

    private HttpResponse<String> handshakeFrom(String origin) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(HANDSHAKE));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return server.send(b.build());
    }

    @Test
    void aForeignOriginIsRefusedWith403AndTheReferenceErrorBody() {
        HttpResponse<String> res = handshakeFrom("https://evil.example");
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(res.body())).isEqualTo(new JsonObject().put("code", 4).put("message", "Forbidden"));
        assertThat(res.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void theConfiguredOriginIsAllowedWithCredentials() {
        HttpResponse<String> res = handshakeFrom("https://app.example.com");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).startsWith("0{\"sid\":");
        assertThat(res.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(res.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
    }

    @Test
    void theSameOriginAndNonBrowserClientsAreAllowed() {
        HttpResponse<String> same = handshakeFrom(server.baseUrl());
        assertThat(same.statusCode()).as("same origin %s: %s", server.baseUrl(), same.body()).isEqualTo(200);
        assertThat(handshakeFrom(null).statusCode()).isEqualTo(200);
    }

    @Test
    void aWebSocketUpgradeFromAForeignOriginIsRefusedBeforeTheUpgrade() throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.nagare().port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: https://evil.example\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 403").contains("{\"code\":4,\"message\":\"Forbidden\"}")
                    .doesNotContain("101 Switching Protocols");
        }
    }

    @Test
    void theAllowRequestHookCanRefuseAHandshake() {
        EngineServer engine = server.nagare().io().engine();
        engine.allowRequest(req -> "blocked".equals(req.getParam("user"))
                ? Future.failedFuture("user is blocked") : Future.succeededFuture());
        try {
            HttpResponse<String> refused = server.get(HANDSHAKE + "&user=blocked");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(new JsonObject(refused.body()).getInteger("code")).isEqualTo(4);
            assertThat(server.get(HANDSHAKE + "&user=fine").statusCode()).isEqualTo(200);
        } finally {
            engine.allowRequest(req -> Future.succeededFuture());
        }
    }
}
