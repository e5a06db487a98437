package dev.nagare.apps.adminui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.Browser;
import dev.nagare.testing.SioClient;
import dev.nagare.testing.TestServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The official Admin UI, as Nagare serves it at /admin-ui/, in a real headless Chromium: its login
 * dialog refuses a wrong password with the UI's own "Invalid credentials", accepts an admin
 * account, then lists a connected client's socket and this server, under the page's CSP and with
 * nothing fetched from another origin.
 */
class AdminUiBrowserTest {
    static final String PASSWORD = "admin ui browser pass phrase 3";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.APPS, "none", Setting.ADMIN_UI, "true"));

    @RegisterExtension
    static final Browser browser = new Browser();

    @Test
    void anAdminLogsInThroughTheFormAndSeesAConnectedSocketAndTheServer() throws Exception {
        server.nagare().accounts().create("boss", PASSWORD, Role.ADMIN).await(10, TimeUnit.SECONDS);
        // On "/", the namespace the UI's socket list shows first (a user's token lets it in).
        try (SioClient client = SioClient.connect(server, "/", "carol", Role.USER)) {
            WebDriver d = browser.driver();
            d.get(server.baseUrl() + "/admin-ui/");
            assertThat(d.getTitle()).isEqualTo("Socket.IO Admin UI");
            WebElement url = field("Server URL");
            // nagare-defaults.js put this server's origin in the dialog.
            assertThat(url.getDomProperty("value")).isEqualTo(server.baseUrl());

            field("Username").sendKeys("boss");
            field("Password").sendKeys(PASSWORD + "-wrong");
            connect().click();
            browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getPageSource().contains("Invalid credentials"));

            field("Password").sendKeys(Keys.chord(Keys.CONTROL, "a"), PASSWORD);
            connect().click();
            // The dialog closes once connected.
            browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElements(By.xpath(LABEL + "'Username']")).stream()
                    .noneMatch(WebElement::isDisplayed));

            d.get(server.baseUrl() + "/admin-ui/#/sockets/");
            browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getPageSource().contains(client.id()));

            d.get(server.baseUrl() + "/admin-ui/#/servers/");
            String hostname = InetAddress.getLocalHost().getHostName();
            String pid = Long.toString(ProcessHandle.current().pid());
            browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElements(By.cssSelector("tbody tr")).stream()
                    .anyMatch(row -> row.getText().contains(hostname) && row.getText().contains(pid)));
            // The icons came from this server's copy of @mdi/font, and Vuetify's theme <style> was allowed.
            browser.waitUpTo(Duration.ofSeconds(10)).until(x -> Boolean.TRUE.equals(browser.driver().executeScript(
                    "return [...document.fonts].some(f => f.family.includes('Material Design Icons') && f.status === 'loaded')")));
            assertThat(browser.driver().executeScript("return document.getElementById('vuetify-theme-stylesheet').sheet.cssRules.length"))
                    .isNotEqualTo(0L);
            assertThat(browser.consoleErrors()).as("console errors, CSP violations included").isEmpty();

            // Nagare sends the session id after CONNECT, where the UI stores it: a reload needs no password.
            assertThat((String) browser.driver().executeScript("return localStorage.getItem('session_id')")).matches("[0-9a-f]{32}");
            d.get(server.baseUrl() + "/admin-ui/#/sockets/");
            d.navigate().refresh();
            browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getPageSource().contains(client.id()));
            assertThat(d.findElements(By.xpath(LABEL + "'Username']"))).noneMatch(WebElement::isDisplayed);
        }
    }

    private static final String LABEL = "//label[normalize-space()=";

    private static WebElement field(String label) {
        return browser.waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElement(
                By.xpath(LABEL + "'" + label + "']/following-sibling::input")));
    }

    private static WebElement connect() {
        return browser.driver().findElement(By.xpath("//button[normalize-space()='Connect']"));
    }
}
