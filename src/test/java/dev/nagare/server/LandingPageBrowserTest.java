package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.Browser;
import dev.nagare.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

class LandingPageBrowserTest {
    @RegisterExtension
    // Registration open: with it closed, /register shows a notice and no form.
    static final TestServer server = new TestServer(Map.of(Setting.REGISTRATION, "open"));

    @RegisterExtension
    static final Browser browser = new Browser();



    @Test
    void landingPageRendersItsScriptAndStylesWithoutAnyConsoleError() {
        browser.driver().get(server.baseUrl() + "/");
        browser.waitUpTo(Duration.ofSeconds(10)).until(d ->
                "true".equals(d.findElement(By.tagName("html")).getDomAttribute("data-ready")));

        // The module script ran (CSP allowed it) and reached the health endpoints.
        WebElement status = browser.driver().findElement(By.id("status"));
        assertThat(status.getText()).isEqualTo("Server is up and ready.");
        assertThat(browser.driver().findElement(By.id("version")).getText()).isEqualTo(Version.get());
        // The stylesheet applied (CSP allowed it): app cards are laid out as a grid.
        assertThat(browser.driver().findElement(By.cssSelector(".apps")).getCssValue("display")).isEqualTo("grid");
        assertThat(browser.driver().findElements(By.cssSelector(".app > a")))
                .extracting(WebElement::getText)
                .containsExactly("Chat", "Dashboard", "Video", "Audio", "Game", "Server-Sent Events");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    /** Issue 17, item 14: the logo's 流れ is drawn, so it shows where no CJK font is installed. */
    @Test
    void theLogoIsAnSvgWordmarkNotTextInACjkFont() {
        browser.driver().get(server.baseUrl() + "/");
        WebElement header = browser.driver().findElement(By.cssSelector("header.masthead"));
        // No text node of the header holds 流れ (its name is the SVG's aria-label, an attribute).
        Object textNodes = browser.driver().executeScript(
                "const w = document.createTreeWalker(arguments[0], NodeFilter.SHOW_TEXT); let n = 0;"
                        + "while (w.nextNode()) { if (/[流れ]/.test(w.currentNode.data)) n++; } return n;", header);
        assertThat(textNodes).isEqualTo(0L);
        WebElement mark = header.findElement(By.cssSelector("h1 svg.wordmark"));
        assertThat(mark.getDomAttribute("aria-label")).isEqualTo("流れ");
        // The strokes arrived and were drawn: the <use> resolved to the symbol, at the size the stylesheet gives.
        browser.waitUpTo(Duration.ofSeconds(10)).until(d -> ((Number) browser.driver().executeScript(
                "return arguments[0].querySelector('use').getBBox().width", mark)).doubleValue() > 100);
        assertThat(mark.getSize().getWidth()).isGreaterThan(mark.getSize().getHeight());
    }

    @Test
    void unknownPageShowsTheFriendlyNotFoundPageWithoutConsoleErrorsBeyondThe404() {
        browser.consoleErrors();
        browser.driver().get(server.baseUrl() + "/no/such/page");
        assertThat(browser.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Page not found");
        assertThat(browser.driver().findElement(By.linkText("Back to the Nagare start page")).getDomAttribute("href"))
                .isEqualTo("/");
        // Chromium logs the 404 status of the document itself; nothing else may appear.
        assertThat(browser.consoleErrors()).allMatch(m -> m.contains("404"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"/login", "/register"})
    void formPagesRenderTheirStylesWithoutAnyConsoleError(String path) {
        browser.consoleErrors();
        browser.driver().get(server.baseUrl() + path);
        assertThat(browser.driver().findElement(By.cssSelector("form")).getCssValue("display")).isEqualTo("grid");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void inlineScriptIsBlockedByTheContentSecurityPolicy() {
        browser.driver().get(server.baseUrl() + "/");
        browser.consoleErrors();
        // An attacker-injected inline script must not run; Chromium reports the CSP refusal.
        Object ran = browser.driver().executeScript(
                "const s = document.createElement('script');"
                        + "s.textContent = 'window.__injected = true';"
                        + "document.body.appendChild(s);"
                        + "return window.__injected === true;");
        assertThat(ran).isEqualTo(false);
        assertThat(browser.consoleErrors()).anyMatch(m -> m.contains("Content Security Policy"));
    }
}
