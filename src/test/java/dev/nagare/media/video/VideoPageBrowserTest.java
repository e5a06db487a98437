package dev.nagare.media.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.Setting;
import dev.nagare.testing.Browser;
import dev.nagare.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/** Chromium shows the live MJPEG <img> updating on the /video page, with no CSP violation. */
class VideoPageBrowserTest {
    static final String PASSWORD = "river stone lantern";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, PASSWORD));

    @RegisterExtension
    static final Browser browser = new Browser();

    /** The decoded frame number drawn in the test pattern, read back through a canvas. */
    private long shownFrame() {
        Object bits = ((JavascriptExecutor) browser.driver()).executeScript(
                "const img = document.querySelector('img[data-stream=default]');"
                        + "const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;"
                        + "const g = c.getContext('2d'); g.drawImage(img, 0, 0);"
                        + "let v = 0; for (let i = 0; i < 24; i++) {"
                        + "  const d = g.getImageData(8 + i * 16 + 8, 8 + 32 + 8, 1, 1).data;"
                        + "  v = v * 2 + ((d[0] + d[1] + d[2]) > 384 ? 1 : 0); }"
                        + "return v;");
        return ((Number) bits).longValue();
    }

    @Test
    void theLiveImageKeepsChanging() {
        var d = browser.driver();
        browser.logIn(server.baseUrl(), "admin", PASSWORD, "/video");
        browser.waitUpTo(Duration.ofSeconds(10)).until(x ->
                "true".equals(x.findElement(By.tagName("html")).getDomAttribute("data-ready")));
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> ((Number) ((JavascriptExecutor) x).executeScript(
                "return document.querySelector('img[data-stream=default]').naturalWidth")).intValue() == 640);

        long first = shownFrame();
        browser.waitUpTo(Duration.ofSeconds(5)).until(x -> shownFrame() >= first + 10);
        assertThat(shownFrame()).isGreaterThan(first);
        // Counted as people write it, and the quality as the README gives it (80 %, not 0.8).
        assertThat(d.findElement(By.id("status")).getText()).isEqualTo("1 stream");
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.cssSelector("li.stream")).getText()
                .contains("quality 80 %"));
        assertThat(d.findElement(By.cssSelector("li.stream")).getText()).containsPattern("\\d+ viewers?,")
                .doesNotContain("(s)");
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
