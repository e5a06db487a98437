package dev.nagare.auth.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.Setting;
import dev.nagare.testing.Browser;
import dev.nagare.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/** A person logs in and out with the forms, in headless Chromium. */
class LoginBrowserTest {
    static final String PASSWORD = "river stone lantern";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, PASSWORD));

    @RegisterExtension
    static final Browser browser = new Browser();

    private void awaitLanding() {
        browser.waitUpTo(Duration.ofSeconds(10)).until(d ->
                "true".equals(d.findElement(By.tagName("html")).getDomAttribute("data-ready")));
    }

    @Test
    void aUserLogsInSeesTheirNameAndLogsOutAgain() {
        var d = browser.driver();
        browser.consoleErrors(); // this test's own console only
        d.get(server.baseUrl() + "/login");
        d.findElement(By.id("username")).sendKeys("admin");
        d.findElement(By.id("password")).sendKeys(PASSWORD);
        d.findElement(By.cssSelector("form.auth-form button")).click();

        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getCurrentUrl().equals(server.baseUrl() + "/"));
        awaitLanding();
        browser.waitUpTo(Duration.ofSeconds(5)).until(x -> !x.findElement(By.id("whoami")).getText().isEmpty());
        assertThat(d.findElement(By.id("whoami")).getText()).isEqualTo("Logged in as admin (admin)");
        assertThat(d.findElement(By.id("login-link")).isDisplayed()).isFalse();
        // The session cookie is HttpOnly: page scripts cannot read it.
        assertThat((String) d.executeScript("return document.cookie")).doesNotContain("nagare_session");

        d.findElement(By.cssSelector("#logout-form button")).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getCurrentUrl().startsWith(server.baseUrl() + "/login"));
        d.get(server.baseUrl() + "/");
        awaitLanding();
        assertThat(d.findElement(By.id("login-link")).isDisplayed()).isTrue();
        assertThat(d.findElement(By.id("logout-form")).isDisplayed()).isFalse();
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void aWrongPasswordKeepsThePersonOnTheFormWithAnError() {
        var d = browser.driver();
        d.get(server.baseUrl() + "/login");
        d.findElement(By.id("username")).sendKeys("admin");
        d.findElement(By.id("password")).sendKeys("not my password");
        d.findElement(By.cssSelector("form.auth-form button")).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> !x.findElement(By.cssSelector(".form-error")).getText().isEmpty());
        assertThat(d.findElement(By.cssSelector(".form-error")).getText()).isEqualTo("Wrong user name or password.");
        assertThat(d.findElement(By.id("username")).getDomProperty("value")).isEqualTo("admin");
    }

    @Test
    void getLogoutAsksFirstThenTheLoginPageSaysTheUserIsLoggedOut() {
        var d = browser.driver();
        browser.consoleErrors(); // this test's own console only
        d.get(server.baseUrl() + "/login");
        d.findElement(By.id("username")).sendKeys("admin");
        d.findElement(By.id("password")).sendKeys(PASSWORD);
        d.findElement(By.cssSelector("form.auth-form button")).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getCurrentUrl().equals(server.baseUrl() + "/"));

        d.get(server.baseUrl() + "/logout");
        assertThat(d.findElement(By.tagName("h1")).getText()).endsWith("Log out?");
        assertThat(d.findElement(By.tagName("main")).getText()).contains("logged in as admin");
        d.findElement(By.cssSelector("form[action='/logout'] button")).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getCurrentUrl().startsWith(server.baseUrl() + "/login"));
        assertThat(d.findElement(By.cssSelector(".form-notice")).getText()).isEqualTo("You are logged out.");
        // The session is gone: asking again at /logout leads to the login form.
        d.get(server.baseUrl() + "/logout");
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getCurrentUrl().equals(server.baseUrl() + "/login"));
        assertThat(d.findElement(By.cssSelector(".form-notice")).isDisplayed()).isFalse();
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void registerWhileRegistrationIsClosedShowsTheNoticeAndNoForm() {
        var d = browser.driver();
        d.get(server.baseUrl() + "/register");
        assertThat(d.findElement(By.cssSelector(".form-error")).getText()).isEqualTo("Registration is closed on this server.");
        assertThat(d.findElements(By.cssSelector("form"))).isEmpty();
        assertThat(d.findElements(By.id("username"))).isEmpty();
        assertThat(d.executeScript("return document.activeElement.tagName")).isEqualTo("BODY");
    }
}
