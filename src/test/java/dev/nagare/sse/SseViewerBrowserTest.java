package dev.nagare.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.Browser;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The SSE viewer ({@code /sse}) in a real Chromium: what the channel held is shown as replayed, what is
 * published afterwards (over HTTP, and from the page's own box) as live; someone without the right to
 * publish is told which right it takes instead of getting the box.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SseViewerBrowserTest {
    static final String PASSWORD = "river stone lantern";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, PASSWORD));

    @RegisterExtension
    static final Browser browser = new Browser();

    static String adminToken;

    @BeforeAll
    static void accounts() throws Exception {
        Account admin = server.nagare().accounts().find("admin").await().orElseThrow();
        adminToken = server.nagare().tokens().create(admin, "t", Set.of(), Duration.ofHours(1)).await().secret();
        server.nagare().accounts().create("alice", PASSWORD, Role.USER).await(10, TimeUnit.SECONDS);
    }

    private static void publish(String channel, String data) {
        HttpResponse<String> res = server.send(HttpRequest.newBuilder(server.uri("/api/sse/" + channel))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("data", data).encode())).build());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
    }

    /** The events shown, as "kind data". */
    private static List<String> shown() {
        return browser.driver().findElements(By.cssSelector("#events li")).stream()
                .map(li -> li.getDomAttribute("data-kind") + " " + li.findElement(By.className("data")).getText())
                .toList();
    }

    private static void awaitShown(String entry) {
        browser.waitUpTo(Duration.ofSeconds(10)).until(d -> shown().contains(entry));
    }

    @Test
    @Order(1)
    void theHistoryIsShownAsReplayedAndNewEventsAsLive() {
        publish("news", "published before the page opened");
        browser.logIn(server.baseUrl(), "admin", PASSWORD, "/sse?channel=news");
        awaitShown("replayed published before the page opened");
        browser.waitUpTo(Duration.ofSeconds(10)).until(d ->
                d.findElement(By.id("status")).getText().equals("Following news."));

        publish("news", "published over HTTP while watching");
        awaitShown("live published over HTTP while watching");

        WebElement box = browser.driver().findElement(By.id("publish"));
        assertThat(box.isDisplayed()).isTrue(); // admins may publish
        browser.driver().findElement(By.id("data")).sendKeys("published from the page");
        browser.driver().findElement(By.cssSelector("#publish-form button")).click();
        awaitShown("live published from the page");
        assertThat(shown()).containsExactly("replayed published before the page opened",
                "live published over HTTP while watching", "live published from the page");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    @Order(2)
    void someoneWithoutThePublishRightFollowsAndIsToldWhichRightPublishingTakes() {
        browser.driver().manage().deleteAllCookies();
        browser.logIn(server.baseUrl(), "alice", PASSWORD, "/sse?channel=news");
        awaitShown("replayed published from the page");
        assertThat(browser.driver().findElement(By.id("publish")).isDisplayed()).isFalse();
        assertThat(browser.driver().findElement(By.id("publish-note")).getText())
                .isEqualTo("You can follow news but not publish to it. Publishing to news needs the right"
                        + " publish:sse/news (admins have it; an admin grants it with: nagare user grant alice"
                        + " 'publish:sse/news').");
        publish("news", "live for alice too");
        awaitShown("live live for alice too");
    }

    @Test
    @Order(3)
    void aFeedsChannelShowsItsSampleEventsReplayedThenLive() {
        browser.driver().get(server.baseUrl() + "/sse?channel=feed:market");
        browser.waitUpTo(Duration.ofSeconds(10)).until(d -> kinds().contains("replayed") && kinds().contains("live"));
        assertThat(browser.driver().findElement(By.cssSelector("#events li .meta")).getText()).endsWith(" · sample");
        assertThat(browser.driver().findElement(By.id("publish-note")).getText())
                .isEqualTo("You can follow feed:market but not publish to it. Feed channels take samples through"
                        + " POST /api/feeds/{feed}.");
    }

    private static List<String> kinds() {
        return browser.driver().findElements(By.cssSelector("#events li")).stream()
                .map(li -> li.getDomAttribute("data-kind")).toList();
    }
}
