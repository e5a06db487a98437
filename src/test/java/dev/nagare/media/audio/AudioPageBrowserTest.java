package dev.nagare.media.audio;

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

/** Chromium's <audio> plays the WAV stream (its clock advances), unlike the guide's multipart. */
class AudioPageBrowserTest {
    static final String PASSWORD = "river stone lantern";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, PASSWORD));

    @RegisterExtension
    static final Browser browser = new Browser();

    @Test
    void theAudioElementPlaysTheStream() {
        var d = browser.driver();
        d.get(server.baseUrl() + "/login?next=%2Faudio");
        d.findElement(By.id("username")).sendKeys("admin");
        d.findElement(By.id("password")).sendKeys(PASSWORD);
        d.findElement(By.cssSelector("form.auth-form button")).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(x ->
                x.getCurrentUrl().endsWith("/audio") && "true".equals(
                        x.findElement(By.tagName("html")).getDomAttribute("data-ready")));
        JavascriptExecutor js = (JavascriptExecutor) d;
        js.executeScript("document.querySelector('audio[data-stream=default]').play()");
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> ((Number) js.executeScript(
                "return document.querySelector('audio[data-stream=default]').currentTime")).doubleValue() > 1.0);
        assertThat(js.executeScript("return document.querySelector('audio[data-stream=default]').error")).isNull();
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
