package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.Browser;
import dev.nagare.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Issue 17, item 13: one login rule and one navigation bar for every application page, in a real
 * Chromium. Not logged in, every page sends the browser to the login form and back; logged in, every
 * page has the bar with a link to each page, the user's name and a Log out button that logs out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppPagesBrowserTest {
    static final String PASSWORD = "river stone lantern";
    /** Every app page with every module on, in the bar's order. */
    static final List<String> PAGES = List.of("/chat", "/seed/chat", "/dashboard", "/game", "/video", "/video/publish",
            "/audio", "/audio/publish", "/sse");
    static final List<String> TITLES = List.of("Chat", "Guide chat", "Dashboard", "Game", "Video", "Camera",
            "Audio", "Microphone", "SSE");

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, PASSWORD));

    @RegisterExtension
    static final Browser browser = new Browser();

    private static List<String> plus(List<String> list, String last) {
        List<String> out = new java.util.ArrayList<>(list);
        out.add(last);
        return out;
    }

    private void awaitNav() {
        browser.waitUpTo(Duration.ofSeconds(10)).until(d ->
                "true".equals(d.findElement(By.id("site-nav")).getDomAttribute("data-ready")));
    }

    @Test
    @Order(1)
    void everyAppPageSendsSomeoneNotLoggedInToTheLoginFormAndBackTheSameWay() {
        for (String page : PAGES) {
            browser.driver().get(server.baseUrl() + page);
            assertThat(browser.driver().getCurrentUrl()).as(page)
                    .isEqualTo(server.baseUrl() + "/login?next=" + URLEncoder.encode(page, StandardCharsets.UTF_8));
            assertThat(browser.driver().findElement(By.tagName("h1")).getText()).as(page).endsWith("Log in");
        }
    }

    @Test
    @Order(2)
    void loggedInEveryPageHasTheNavigationWithEveryPageTheUserAndLogOut() {
        browser.logIn(server.baseUrl(), "admin", PASSWORD, "/chat");
        for (String page : PAGES) {
            browser.driver().get(server.baseUrl() + page);
            awaitNav();
            WebElement nav = browser.driver().findElement(By.id("site-nav"));
            // An administrator also gets the console, last.
            assertThat(nav.findElements(By.cssSelector(".site-links a"))).as(page)
                    .extracting(a -> a.getDomAttribute("href")).containsExactlyElementsOf(plus(PAGES, "/admin"));
            assertThat(nav.findElements(By.cssSelector(".site-links a"))).as(page)
                    .extracting(WebElement::getText).containsExactlyElementsOf(plus(TITLES, "Admin"));
            assertThat(nav.findElement(By.cssSelector("a[aria-current=page]")).getDomAttribute("href")).isEqualTo(page);
            assertThat(nav.findElement(By.className("site-user")).getText()).isEqualTo("admin");
            assertThat(nav.findElement(By.cssSelector(".site-logout button")).getText()).isEqualTo("Log out");
            // The bar's home link is the drawn wordmark, never text in a CJK font.
            assertThat(nav.findElement(By.cssSelector(".site-home svg.wordmark")).isDisplayed()).isTrue();
            assertThat(nav.getText()).doesNotContain("流れ");
        }
    }

    @Test
    @Order(3)
    void logOutInTheBarEndsTheSession() {
        browser.driver().get(server.baseUrl() + "/sse");
        awaitNav();
        browser.driver().findElement(By.cssSelector("#site-nav .site-logout button")).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().endsWith("/login?loggedout=1"));
        assertThat(browser.driver().findElement(By.tagName("main")).getText()).contains("You are logged out.");
        // The session is gone on the server: a page sends the browser to log in again.
        browser.driver().get(server.baseUrl() + "/game");
        assertThat(browser.driver().getCurrentUrl()).endsWith("/login?next=%2Fgame");
    }

    @Test
    @Order(4)
    void aPageAddressWithAQueryComesBackWholeAfterTheLogin() {
        browser.driver().get(server.baseUrl() + "/sse?channel=news");
        assertThat(browser.driver().getCurrentUrl()).endsWith("/login?next=%2Fsse%3Fchannel%3Dnews");
        browser.driver().findElement(By.id("username")).sendKeys("admin");
        browser.driver().findElement(By.id("password")).sendKeys(PASSWORD);
        browser.driver().findElement(By.cssSelector("form.auth-form button")).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().equals(server.baseUrl() + "/sse?channel=news"));
    }
}
