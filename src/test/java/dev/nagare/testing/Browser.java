package dev.nagare.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's chromium + chromium-driver) driven by ChromeDriver, one per
 * test class: {@code @RegisterExtension static final Browser browser = new Browser();}. Browser
 * console messages are collected so a test can fail on any error, CSP violations included.
 */
public final class Browser implements BeforeAllCallback, AfterAllCallback {
    private ChromeDriver driver;
    private Path profile;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (driver != null) {
            try {
                driver.quit();
            } finally {
                TestServer.deleteTree(profile);
            }
        }
    }

    /** Starts Chromium, or skips/fails the test (see {@link Tools}) when it is not installed. */
    private void start() throws Exception {
        Path chromium = Tools.require("chromium", "apt-get install chromium chromium-driver",
                "/usr/bin/chromium", "/usr/bin/chromium-browser");
        Path chromedriver = Tools.require("chromedriver", "apt-get install chromium-driver",
                "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        profile = Files.createTempDirectory("nagare-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                // A synthetic camera and microphone, granted without a prompt, for publishing pages.
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                // Media may start without a click, so a test can check that <audio> plays.
                "--autoplay-policy=no-user-gesture-required");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** A wait that also retries when the page was replaced under it (form posts, redirects). */
    public WebDriverWait waitUpTo(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    /**
     * Logs in through the real form at {@code /login?next=<next>} and waits until the browser is back
     * on {@code next}: the way every page sends someone who is not logged in.
     */
    public void logIn(String baseUrl, String user, String password, String next) {
        driver.get(baseUrl + "/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("form.auth-form button")).click();
        waitUpTo(Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().equals(baseUrl + next));
    }

    /** Console entries at SEVERE since the last call (Chromium reports CSP violations there). */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .collect(Collectors.toList());
    }
}
