package dev.nagare.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Handshakes per client address are rate limited (--connect-rate), with a clear 429. */
class ConnectRateTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.CONNECT_RATE, "2"));

    @Test
    void handshakesPastTheBurstGet429WithAReason() {
        int accepted = 0;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            HttpResponse<String> res = server.get("/socket.io/?EIO=4&transport=polling");
            if (res.statusCode() == 200) {
                accepted++;
            } else {
                refused = res;
            }
        }
        // a burst of twice the rate (4) passes, then the address must slow down
        assertThat(accepted).isBetween(4, 5);
        assertThat(refused).isNotNull();
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(new JsonObject(refused.body()).getString("message"))
                .isEqualTo("Too many connections from this address; retry shortly");
        // ordinary HTTP is not affected
        assertThat(server.get("/health/live").statusCode()).isEqualTo(200);
    }
}
