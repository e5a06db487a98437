package dev.nagare.apps.game;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.Browser;
import dev.nagare.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/** One player in headless Chromium goes from the lobby into a match, to the right edge, and back out. */
class GameLobbyBrowserTest {
    static final String PASSWORD = "copper meadow signal";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.GAME_BOTS, "1"));

    @RegisterExtension
    static final Browser browser = new Browser();

    /** Pixels of the orb colour on the field, read from the canvas itself. */
    private static long orbPixels(ChromeDriver d) {
        return ((Number) d.executeScript("""
                const c = document.getElementById('arena');
                const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 0; i < px.length; i += 4) if (px[i] === 0xf2 && px[i + 1] === 0xc9 && px[i + 2] === 0x4c) n++;
                return n;""")).longValue();
    }

    /** The scoreboard row of {@code player} as data attributes, or null until it has been drawn. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> row(ChromeDriver d, String player) {
        return (Map<String, String>) d.executeScript("const li = [...document.querySelectorAll('#scoreboard li')]"
                + ".find(e => e.dataset.player === arguments[0] && e.dataset.labelRight !== undefined);"
                + " return li ? {...li.dataset} : null;", player);
    }

    @Test
    void theLobbyFollowsTheMatchAndLeavingClearsTheField() {
        server.nagare().accounts().create("carol", PASSWORD, Role.USER).await();
        ChromeDriver d = browser.driver();
        d.get(server.baseUrl() + "/game");
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getCurrentUrl().contains("/login?next=%2Fgame"));
        d.findElement(By.id("username")).sendKeys("carol");
        d.findElement(By.id("password")).sendKeys(PASSWORD);
        d.findElement(By.cssSelector("form.auth-form button")).click();
        browser.waitUpTo(Duration.ofSeconds(15)).until(x -> "true".equals(x.findElement(By.tagName("html")).getDomAttribute("data-ready")));
        // One name for one thing: the landing page's card says Game, so does the page.
        assertThat(d.getTitle()).startsWith("Game");
        assertThat(d.findElement(By.tagName("h1")).getText()).endsWith("Game");
        assertThat(d.findElement(By.id("matches")).getText()).contains("No matches yet");

        d.findElement(By.id("play")).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("match-name")).getText().startsWith("arena-"));
        String match = d.findElement(By.id("match-name")).getText();
        assertThat(d.findElement(By.id("play")).isDisplayed()).isFalse();
        // The lobby list catches up with the match we are in, while we play.
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("matches")).getText().contains(match + ":"));
        // Our own match's row says so, and offers no "Join" into the match we are in.
        assertThat(d.findElement(By.id("matches")).getText()).contains("(you are playing)").doesNotContain("Join " + match);

        // Caps Lock on: an upper-case D still moves right, all the way to the edge; the label stays whole.
        d.findElement(By.id("arena")).click();
        new Actions(d).keyDown("D").perform();
        try {
            browser.waitUpTo(Duration.ofSeconds(20)).until(x -> {
                Map<String, String> me = row(d, "carol");
                return me != null && Integer.parseInt(me.get("x")) >= 1570;
            });
        } finally {
            new Actions(d).keyUp("D").perform();
        }
        browser.waitUpTo(Duration.ofSeconds(5)).until(x -> Integer.parseInt(row(d, "carol").get("labelRight")) <= 1600);

        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> orbPixels(d) > 0);
        d.findElement(By.id("leave")).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("play")).isDisplayed());
        browser.waitUpTo(Duration.ofSeconds(5)).until(x -> orbPixels(d) == 0);
        assertThat(d.findElement(By.id("leave")).isDisplayed()).isFalse();
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
