package dev.nagare.apps.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.Setting;
import dev.nagare.testing.Browser;
import dev.nagare.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/** The dashboard in headless Chromium: simulated ticks arrive, the table and the chart move. */
class DashboardBrowserTest {
    static final String PASSWORD = "river stone lantern";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, PASSWORD));

    @RegisterExtension
    static final Browser browser = new Browser();

    /** Opens the dashboard, logging in first when this browser has no session yet (tests share it). */
    private ChromeDriver openDashboard() {
        ChromeDriver d = browser.driver();
        d.get(server.baseUrl() + "/dashboard");
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getCurrentUrl().contains("/login?next=%2Fdashboard")
                || x.getCurrentUrl().endsWith("/dashboard"));
        if (d.getCurrentUrl().contains("/login")) {
            d.findElement(By.id("username")).sendKeys("admin");
            d.findElement(By.id("password")).sendKeys(PASSWORD);
            d.findElement(By.cssSelector("form.auth-form button")).click();
        }
        browser.waitUpTo(Duration.ofSeconds(15)).until(x ->
                "true".equals(x.findElement(By.tagName("html")).getDomAttribute("data-ready")));
        return d;
    }

    @Test
    void theDashboardShowsSimulatedTicksUpdating() throws Exception {
        ChromeDriver d = openDashboard();

        By market = By.cssSelector("section.card[data-feed='market']");
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(market).getDomAttribute("data-seq") != null);
        long first = Long.parseLong(d.findElement(market).getDomAttribute("data-seq"));
        // The simulated market ticks at 10 Hz: the table follows within a second or two.
        browser.waitUpTo(Duration.ofSeconds(10)).until(x ->
                Long.parseLong(x.findElement(market).getDomAttribute("data-seq")) >= first + 10);
        assertThat(d.findElements(By.cssSelector("section.card[data-feed='market'] tbody tr"))).hasSizeGreaterThanOrEqualTo(8);
        assertThat(d.findElement(By.cssSelector("section.card[data-feed='market'] tbody")).getText()).contains("NGR");
        // uPlot drew a canvas; the meter shows the update rate and the lag.
        assertThat(d.findElements(By.cssSelector("section.card[data-feed='market'] canvas"))).isNotEmpty();
        browser.waitUpTo(Duration.ofSeconds(5)).until(x -> x.findElement(By.id("lag")).getText().matches("lag \\d+ ms"));
        assertThat(d.findElement(By.id("status")).getDomAttribute("data-state")).isEqualTo("up");
        assertThat(d.findElements(By.cssSelector("section.card[data-feed='sensors']"))).hasSize(1);
        if (System.getProperty("nagare.screenshots") != null) {
            Files.write(Path.of(System.getProperty("nagare.screenshots"), "dashboard.png"), d.getScreenshotAs(OutputType.BYTES));
        }
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void aFeedPausedByAnAdministratorSaysSoOnItsCardUntilResumed() throws Exception {
        ChromeDriver d = openDashboard();
        var admin = server.nagare().accounts().find("admin").await().orElseThrow();
        String token = server.nagare().tokens().create(admin, "t", java.util.Set.of(), Duration.ofHours(1)).await().secret();
        By state = By.cssSelector("section.card[data-feed='sensors'] .feed-state");
        assertThat(d.findElement(state).isDisplayed()).isFalse();
        try {
            assertThat(post("/api/feeds/sensors/pause", token)).isEqualTo(200);
            browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(state).getText().equals("paused"));
            assertThat(d.findElement(By.cssSelector("section.card[data-feed='sensors']")).getDomAttribute("data-paused"))
                    .isEqualTo("true");
        } finally {
            assertThat(post("/api/feeds/sensors/resume", token)).isEqualTo(200);
        }
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> !x.findElement(state).isDisplayed());
        assertThat(browser.consoleErrors()).isEmpty();
    }

    private static int post(String path, String token) {
        return server.send(java.net.http.HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build()).statusCode();
    }

    @Test
    void visibleSeriesHaveDistinctColoursCardsKeepTheirPlaceAndValuesAlignRight() {
        ChromeDriver d = openDashboard();
        // Every group of every card: the lines shown (legend rows not switched off) have distinct colours.
        @SuppressWarnings("unchecked")
        List<String> clashes = (List<String>) d.executeScript("""
                const clashes = [];
                for (const card of document.querySelectorAll('section.card')) {
                  const select = card.querySelector('select.group');
                  for (const option of [...select.options]) {
                    select.value = option.value;
                    select.dispatchEvent(new Event('change'));
                    const colours = [...card.querySelectorAll('.u-legend tr.u-series:not(.u-off) .u-marker')]
                      .slice(1).map((m) => getComputedStyle(m).borderTopColor);
                    if (new Set(colours).size !== colours.length) clashes.push(card.dataset.feed + '/' + option.value + ': ' + colours);
                  }
                }
                return clashes;""");
        assertThat(clashes).isEmpty();

        // Unticking and reticking the first feed puts its card back first, in the picker's order.
        By first = By.cssSelector("#feed-list input[value='market']");
        d.findElement(first).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElements(By.cssSelector("section.card[data-feed='market']")).isEmpty());
        d.findElement(first).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElements(By.cssSelector("section.card[data-feed='market']")).size() == 1);
        List<String> order = d.findElements(By.cssSelector("section.card")).stream().map(c -> c.getDomAttribute("data-feed")).toList();
        assertThat(order).containsExactly("market", "sensors");

        // The Value and Change headers stand right-aligned over their right-aligned numbers.
        List<String> aligns = d.findElements(By.cssSelector("section.card[data-feed='sensors'] thead th")).stream()
                .map(th -> th.getCssValue("text-align")).toList();
        assertThat(aligns).containsExactly("left", "right", "right");
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
