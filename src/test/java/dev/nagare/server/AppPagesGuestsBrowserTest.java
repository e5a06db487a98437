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

/**
 * The same rule with {@code --guests} and some modules only ({@code --apps chat,video,sse}): pages a
 * guest can use are served with "Log in" in the bar, video still asks for a login, and the bar and the
 * landing page show only the modules that run.
 */
class AppPagesGuestsBrowserTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.GUESTS, "true", Setting.APPS, "chat,video,sse"));

    @RegisterExtension
    static final Browser browser = new Browser();

    @Test
    void guestsGetThePagesTheyCanUseAndTheBarListsOnlyTheRunningModules() {
        browser.driver().get(server.baseUrl() + "/chat");
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(server.baseUrl() + "/chat");
        browser.waitUpTo(Duration.ofSeconds(10)).until(d ->
                "true".equals(d.findElement(By.id("site-nav")).getDomAttribute("data-ready")));
        WebElement nav = browser.driver().findElement(By.id("site-nav"));
        assertThat(nav.findElements(By.cssSelector(".site-links a"))).extracting(a -> a.getDomAttribute("href"))
                .containsExactly("/chat", "/seed/chat", "/video", "/video/publish", "/sse");
        assertThat(nav.findElement(By.className("site-login")).getDomAttribute("href")).isEqualTo("/login?next=%2Fchat");
        assertThat(nav.findElements(By.className("site-logout"))).isEmpty();

        // Watching video needs an account even with --guests: the same redirect, not a page that cannot play.
        browser.driver().get(server.baseUrl() + "/video");
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(server.baseUrl() + "/login?next=%2Fvideo");

        browser.driver().get(server.baseUrl() + "/");
        browser.waitUpTo(Duration.ofSeconds(10)).until(d -> !d.findElement(By.cssSelector(".app a[href='/game']"))
                .isDisplayed());
        assertThat(browser.driver().findElements(By.cssSelector(".app")).stream().filter(WebElement::isDisplayed)
                .map(e -> e.findElement(By.tagName("a")).getText())).containsExactly("Chat", "Video", "Server-Sent Events");
    }
}
