package dev.nagare.auth.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.Browser;
import dev.nagare.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;

/**
 * Classic XSS payloads sent through the login form, which echoes the user name back into the
 * page: in headless Chromium each stays inert text (escaped, and CSP would block it anyway).
 */
class XssTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @RegisterExtension
    static final Browser browser = new Browser();

    static List<String> payloads() {
        return List.of(
                "<script>window.__xss=1</script>",
                "\"><script>window.__xss=1</script>",
                "'><script>window.__xss=1</script>",
                "<img src=x onerror=\"window.__xss=1\">",
                "\" onfocus=\"window.__xss=1\" autofocus=\"",
                "' onmouseover='window.__xss=1",
                "<svg onload=window.__xss=1>",
                "<svg><script>window.__xss=1</script></svg>",
                "<iframe src=\"javascript:window.top.__xss=1\"></iframe>",
                "<body onload=window.__xss=1>",
                "<a href=\"javascript:window.__xss=1\">x</a>",
                "<math><mtext></mtext><mglyph><svg><mtext><style><img src=x onerror=window.__xss=1>",
                "<details open ontoggle=window.__xss=1>",
                "<input onfocus=window.__xss=1 autofocus>",
                "<video><source onerror=\"window.__xss=1\"></video>",
                "<object data=\"javascript:window.__xss=1\"></object>",
                "<embed src=\"javascript:window.__xss=1\">",
                "<style>@import 'javascript:window.__xss=1';</style>",
                "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__xss=1\">",
                "<base href=\"javascript:/\">",
                "{{constructor.constructor('window.__xss=1')()}}",
                "</textarea><script>window.__xss=1</script>",
                "&lt;script&gt;window.__xss=1&lt;/script&gt;",
                "<scr<script>ipt>window.__xss=1</scr</script>ipt>");
    }



    @ParameterizedTest
    @MethodSource("payloads")
    void aPayloadEchoedIntoTheLoginPageStaysInertText(String payload) {
        browser.driver().get(server.baseUrl() + "/login");
        browser.driver().executeScript("document.getElementById('username').value = arguments[0];"
                + "document.getElementById('password').value = 'wrong password here';"
                + "document.querySelector('form').submit();", payload);
        browser.waitUpTo(Duration.ofSeconds(10)).until(d -> {
            Object state = ((org.openqa.selenium.JavascriptExecutor) d).executeScript("return document.readyState");
            return "complete".equals(state) && !d.findElement(By.cssSelector(".form-error")).getText().isEmpty();
        });
        Object xss = browser.driver().executeScript("return window.__xss === undefined ? null : window.__xss");
        assertThat(xss).as("payload executed: %s", payload).isNull();
        // It came back verbatim, as the field's text value, and created no elements.
        assertThat(browser.driver().findElement(By.id("username")).getDomProperty("value")).isEqualTo(payload);
        assertThat(browser.driver().findElements(By.cssSelector("main script, main img, main svg, main iframe,"
                + " main object, main embed, main details, main video"))).isEmpty();
    }
}
