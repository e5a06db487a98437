package dev.nagare.apps.game;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.Browser;
import dev.nagare.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/** Two people play in two headless Chromiums and see each other move. */
class GameBrowserTest {
    static final String PASSWORD = "velvet thunder orchard";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.GAME_BOTS, "1"));

    @RegisterExtension
    static final Browser alice = new Browser();

    @RegisterExtension
    static final Browser bob = new Browser();

    @BeforeAll
    static void players() {
        for (String user : List.of("alice", "bob")) {
            server.nagare().accounts().create(user, PASSWORD, Role.USER).await();
        }
        play(alice, "alice");
        play(bob, "bob");
    }

    private static void play(Browser b, String user) {
        ChromeDriver d = b.driver();
        d.get(server.baseUrl() + "/game");
        b.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getCurrentUrl().contains("/login?next=%2Fgame"));
        d.findElement(By.id("username")).sendKeys(user);
        d.findElement(By.id("password")).sendKeys(PASSWORD);
        d.findElement(By.cssSelector("form.auth-form button")).click();
        b.waitUpTo(Duration.ofSeconds(15)).until(x -> "true".equals(x.findElement(By.tagName("html")).getDomAttribute("data-ready")));
        d.findElement(By.id("play")).click();
        b.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("match-name")).getText().startsWith("arena-"));
    }

    /** Where {@code viewer}'s page draws {@code player}, from its scoreboard; null until it is there. */
    private static int[] seen(Browser viewer, String player) {
        // One script call: the scoreboard is rebuilt four times a second.
        Object xy = viewer.driver().executeScript("const li = [...document.querySelectorAll('#scoreboard li')]"
                + ".find(e => e.dataset.player === arguments[0] && e.dataset.x !== undefined);"
                + " return li ? [Number(li.dataset.x), Number(li.dataset.y)] : null;", player);
        if (!(xy instanceof List<?> l)) {
            return null;
        }
        return new int[] {((Number) l.get(0)).intValue(), ((Number) l.get(1)).intValue()};
    }

    @Test
    void twoPlayersSeeEachOtherMove() throws Exception {
        assertThat(alice.driver().findElement(By.id("match-name")).getText())
                .isEqualTo(bob.driver().findElement(By.id("match-name")).getText());
        bob.waitUpTo(Duration.ofSeconds(10)).until(x -> seen(bob, "alice") != null);
        alice.waitUpTo(Duration.ofSeconds(10)).until(x -> seen(alice, "bob") != null);
        int[] before = seen(bob, "alice");
        // Alice holds the arrow key toward the middle of the arena for a while.
        Keys key = before[0] > 800 ? Keys.ARROW_LEFT : Keys.ARROW_RIGHT;
        ChromeDriver a = alice.driver();
        a.findElement(By.id("arena")).click();
        new Actions(a).keyDown(key).perform();
        try {
            bob.waitUpTo(Duration.ofSeconds(10)).until(x -> {
                int[] now = seen(bob, "alice");
                return now != null && Math.abs(now[0] - before[0]) >= 100;
            });
        } finally {
            new Actions(a).keyUp(key).perform();
        }
        // Awaited, not read once: a snapshot replaces the page's player objects, and until the next
        // animation frame draws them (slow on a loaded machine) the scoreboard row has no position.
        alice.waitUpTo(Duration.ofSeconds(10)).until(x -> {
            int[] onAlicesPage = seen(alice, "alice");
            return onAlicesPage != null && Math.abs(onAlicesPage[0] - before[0]) >= 100;
        });
        assertThat(alice.driver().findElement(By.id("rtt")).getText()).matches("RTT( \\d+ ms| –)");
        bob.waitUpTo(Duration.ofSeconds(5)).until(x -> x.findElement(By.id("rtt")).getText().matches("RTT \\d+ ms"));
        if (System.getProperty("nagare.screenshots") != null) {
            Files.write(Path.of(System.getProperty("nagare.screenshots"), "game.png"), bob.driver().getScreenshotAs(OutputType.BYTES));
        }
        assertThat(alice.consoleErrors()).isEmpty();
        assertThat(bob.consoleErrors()).isEmpty();
    }
}
