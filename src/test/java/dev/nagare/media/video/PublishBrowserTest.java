package dev.nagare.media.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.Browser;
import dev.nagare.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/** A person publishes Chromium's (fake) camera from /video/publish; it becomes a stream. */
class PublishBrowserTest {
    static final String PASSWORD = "river stone lantern";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, PASSWORD));

    @RegisterExtension
    static final Browser browser = new Browser();

    @BeforeAll
    static void users() throws Exception {
        server.nagare().accounts().create("viewer1", PASSWORD, Role.USER).await(10, TimeUnit.SECONDS);
    }

    private void login(String user) {
        var d = browser.driver();
        browser.consoleErrors(); // start each test with an empty console log
        d.manage().deleteAllCookies();
        browser.logIn(server.baseUrl(), user, PASSWORD, "/video/publish");
    }

    private void publish(String name) {
        var d = browser.driver();
        d.findElement(By.id("name")).clear();
        d.findElement(By.id("name")).sendKeys(name);
        d.findElement(By.id("start")).click();
    }

    @Test
    void anAdminPublishesTheCameraAndViewersGetItsFrames() {
        login("admin");
        var d = browser.driver();
        // A disabled button looks disabled: Stop is faded next to Start until there is something to stop.
        assertThat(d.findElement(By.id("stop")).isEnabled()).isFalse();
        assertThat(Double.parseDouble(d.findElement(By.id("stop")).getCssValue("opacity"))).isLessThan(0.6);
        assertThat(d.findElement(By.id("start")).getCssValue("opacity")).isEqualTo("1");
        // The selects look like the input beside them, not like the browser's default control.
        var input = d.findElement(By.id("name"));
        for (String id : new String[] {"size", "fps", "quality"}) {
            var select = d.findElement(By.id(id));
            assertThat(select.getCssValue("appearance")).isEqualTo("none");
            for (String property : new String[] {"border-top-left-radius", "border-top-color", "background-color", "font-family"}) {
                assertThat(select.getCssValue(property)).as("%s of #%s", property, id).isEqualTo(input.getCssValue(property));
            }
        }
        publish("cam1");
        browser.waitUpTo(Duration.ofSeconds(15)).until(x -> {
            VideoStream s = server.nagare().video().streams().get("cam1");
            if (s == null) {
                return false;
            }
            s.ensureRunning(); // as a viewer would
            return s.framesProduced() >= 10;
        });
        Frame f = server.nagare().video().streams().get("cam1").latest();
        assertThat(f.jpeg()[0]).isEqualTo((byte) 0xFF);
        assertThat(f.jpeg()[1]).isEqualTo((byte) 0xD8);
        assertThat(d.findElement(By.id("status")).getText()).startsWith("Publishing to /video/cam1");
        // No second publication on top of the first: Start waits for Stop.
        assertThat(d.findElement(By.id("start")).isEnabled()).isFalse();
        assertThat(browser.consoleErrors()).isEmpty();
        d.findElement(By.id("stop")).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("start")).isEnabled());
    }

    @Test
    void aUserWithoutTheBroadcastRightIsRefused() {
        login("viewer1");
        publish("sneaky");
        // Asked before the camera is switched on: which right is missing, and how an admin grants it.
        browser.waitUpTo(Duration.ofSeconds(10)).until(x ->
                x.findElement(By.id("status")).getText().startsWith("Cannot publish"));
        assertThat(browser.driver().findElement(By.id("status")).getText())
                .contains("lacks the right broadcast:video/sneaky")
                .contains("java -jar target/nagare.jar user grant viewer1 'broadcast:video/*'");
        assertThat(browser.driver().executeScript("return document.getElementById('preview').srcObject")).isNull();
        assertThat(browser.driver().findElement(By.id("start")).isEnabled()).isTrue();
        assertThat(server.nagare().video().streams()).doesNotContainKey("sneaky");
    }
}
