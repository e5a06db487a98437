package dev.nagare.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.Browser;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/** The official browser client bundle Nagare serves, in headless Chromium, under the strict CSP. */
class BrowserClientTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @RegisterExtension
    static final Browser browser = new Browser();

    @BeforeAll
    static void handlers() {
        server.nagare().io().of("/browser").on("connection",
                socket -> socket.on("echo", (args, ack) -> ack.send(args.toArray())));
    }


    /**
     * Binary also guards the bundle choice: socket.io-client 4.8.1's socket.io.esm.min.js mangled
     * the "_placeholder" key, so browsers using it could not send binary (fixed in 4.8.3).
     */
    @Test
    void theServedClientConnectsUpgradesAndRoundTripsTextAndBinary() {
        browser.driver().get(server.baseUrl() + "/assets/test/socketio.html");
        browser.waitUpTo(Duration.ofSeconds(15)).until(d ->
                "true".equals(d.findElement(By.tagName("html")).getDomAttribute("data-done")));
        JsonObject r = new JsonObject(browser.driver().findElement(By.id("result")).getText());
        assertThat(r.getString("error")).isNull();
        assertThat(r.getString("firstTransport")).isEqualTo("polling");
        assertThat(r.getJsonObject("text")).isEqualTo(new JsonObject().put("hello", "流れ"));
        assertThat(r.getJsonArray("binary")).isEqualTo(new JsonArray().add(1).add(2).add(3).add(250));
        assertThat(r.getString("finalTransport")).isEqualTo("websocket");
        assertThat(r.getString("afterUpgrade")).isEqualTo("still here");
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
