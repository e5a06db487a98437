package dev.nagare.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.Browser;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The README's quick tour pictures, taken from the packaged jar's real pages in headless Chromium:
 * {@code scripts/screenshots} runs this with {@code -Dnagare.screenshots=docs/img}. Without that
 * property it is skipped (so {@code mvn verify} does not rewrite committed images). Each page is
 * awaited in the state the README describes before it is photographed. The condition is checked
 * before the browsers start, so a skipped run costs nothing.
 */
@EnabledIfSystemProperty(named = "nagare.screenshots", matches = ".*\\S.*",
        disabledReason = "only run by scripts/screenshots (-Dnagare.screenshots=DIR)")
class ScreenshotsIT {
    static final String ADMIN_PASSWORD = "tour river stone lantern";
    static final String PASSWORD = "velvet thunder orchard";
    private static final Pattern READY = Pattern.compile("ready at (http://\\S+) ");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final Browser alice = new Browser();

    @RegisterExtension
    static final Browser bob = new Browser();

    @TempDir
    Path temp;

    private Path jar;
    private Path dataDir;
    private String url;

    @Test
    void takesTheQuickTourPictures() throws Exception {
        Path out = Path.of(System.getProperty("nagare.screenshots")).toAbsolutePath();
        Files.createDirectories(out);
        jar = Path.of(System.getProperty("nagare.jar", "target/nagare.jar")).toAbsolutePath();
        assertThat(jar).exists();
        dataDir = temp.resolve("data");
        Process server = startServer();
        try {
            addUser("alice");
            addUser("bob");
            for (Browser b : List.of(alice, bob)) {
                viewport(b, 1000, 650);
            }
            logIn(alice, "alice", "/");
            alice.waitUpTo(WAIT).until(x -> "up".equals(x.findElement(By.id("status")).getDomAttribute("data-state")));
            alice.waitUpTo(WAIT).until(x -> !x.findElement(By.id("whoami")).getText().isBlank());
            save(alice, out, "1-landing.png");

            chat(out);
            dashboard(out);
            game(out);
            video(out);
            sse(out);
            assertThat(alice.consoleErrors()).isEmpty();
            assertThat(bob.consoleErrors()).isEmpty();
        } finally {
            server.destroy();
            server.waitFor(15, TimeUnit.SECONDS);
        }
    }

    private void chat(Path out) throws IOException {
        logIn(bob, "bob", "/chat");
        alice.driver().get(url + "/chat");
        awaitReady(alice);
        say(alice, "Hi Bob! The dashboard is live, have a look.");
        awaitShown(bob, "have a look");
        say(bob, "On it. Then a round of the arena?");
        awaitShown(alice, "a round of the arena");
        say(alice, "Deal: quick play in a minute.");
        awaitShown(bob, "quick play");
        // Alice starts another message without sending it: Bob sees her typing.
        alice.driver().findElement(By.id("text")).sendKeys("See you in the ar");
        bob.waitUpTo(WAIT).until(x -> x.findElement(By.id("typing")).getText().contains("alice is typing"));
        bob.waitUpTo(WAIT).until(x -> x.findElements(By.cssSelector("#members li")).size() >= 2);
        save(bob, out, "2-chat.png");
    }

    private void dashboard(Path out) throws IOException {
        alice.driver().get(url + "/dashboard");
        awaitReady(alice);
        By market = By.cssSelector("section.card[data-feed='market']");
        alice.waitUpTo(WAIT).until(x -> x.findElement(market).getDomAttribute("data-seq") != null);
        long first = Long.parseLong(alice.driver().findElement(market).getDomAttribute("data-seq"));
        // A few seconds of ticks, so the charts have a line to show.
        alice.waitUpTo(WAIT).until(x -> Long.parseLong(x.findElement(market).getDomAttribute("data-seq")) >= first + 40);
        alice.waitUpTo(WAIT).until(x -> x.findElement(By.id("lag")).getText().matches("lag \\d+ ms"));
        save(alice, out, "3-dashboard.png");
    }

    private void game(Path out) throws IOException {
        for (Browser b : List.of(alice, bob)) {
            b.driver().get(url + "/game");
            awaitReady(b);
            b.driver().findElement(By.id("play")).click();
            b.waitUpTo(WAIT).until(x -> x.findElement(By.id("match-name")).getText().startsWith("arena-"));
        }
        // Both in one match, seen on Bob's page, and the round-trip time measured.
        bob.waitUpTo(WAIT).until(x -> ((JavascriptExecutor) x).executeScript("return [...document.querySelectorAll("
                + "'#scoreboard li')].some(e => e.dataset.player === 'alice' && e.dataset.x !== undefined)").equals(true));
        bob.waitUpTo(WAIT).until(x -> x.findElement(By.id("rtt")).getText().matches("RTT \\d+ ms"));
        save(bob, out, "4-game.png");
    }

    private void video(Path out) throws IOException {
        alice.driver().get(url + "/video");
        awaitReady(alice);
        alice.waitUpTo(WAIT).until(x -> ((Number) ((JavascriptExecutor) x).executeScript(
                "const i = document.querySelector('img[data-stream=default]'); return i ? i.naturalWidth : 0"))
                .intValue() == 640);
        save(alice, out, "5-video.png");
    }

    /** The SSE viewer as alice: two events the channel kept (replayed), then one published while she watches. */
    private void sse(Path out) throws Exception {
        String token = new JsonObject(http("/api/auth/token", null, new JsonObject().put("username", "admin")
                .put("password", ADMIN_PASSWORD))).getString("token");
        http("/api/sse/news", token, new JsonObject().put("data", "Deploy at 18:00"));
        http("/api/sse/news", token, new JsonObject().put("data", new JsonObject().put("build", 1742).put("status", "green")));
        alice.driver().get(url + "/sse?channel=news");
        alice.waitUpTo(WAIT).until(x -> x.findElements(By.cssSelector("#events li[data-kind=replayed]")).size() == 2);
        http("/api/sse/news", token, new JsonObject().put("data", "Deployed: all nodes on 0.1.0"));
        alice.waitUpTo(WAIT).until(x -> x.findElements(By.cssSelector("#events li[data-kind=live]")).size() == 1);
        save(alice, out, "6-sse.png");
    }

    /** POSTs {@code body} (with a bearer token, if any) and returns the answer's body; fails on an error status. */
    private String http(String path, String token, JsonObject body) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> res = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isBetween(200, 299);
        return res.body();
    }

    /** Sizes the window so that its viewport (what a screenshot shows) is {@code width} x {@code height}. */
    private static void viewport(Browser b, int width, int height) {
        ChromeDriver d = b.driver();
        d.manage().window().setSize(new Dimension(width, height));
        List<?> inner = (List<?>) d.executeScript("return [window.innerWidth, window.innerHeight]");
        int w = ((Number) inner.get(0)).intValue();
        int h = ((Number) inner.get(1)).intValue();
        d.manage().window().setSize(new Dimension(2 * width - w, 2 * height - h));
    }

    private Process startServer() throws IOException, InterruptedException {
        Path log = temp.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(java(), "-jar", jar.toString(), "--port", "0",
                "--data-dir", dataDir.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("NAGARE_ADMIN_PASSWORD", ADMIN_PASSWORD);
        Process p = pb.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end && p.isAlive()) {
            Matcher m = READY.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
            if (m.find()) {
                url = m.group(1);
                return p;
            }
            Thread.sleep(50); // polling the server's log for its ready line
        }
        p.destroy();
        throw new IllegalStateException("the jar did not start; its log:\n" + Files.readString(log));
    }

    /** As the README's Accounts section: {@code user add NAME --password-stdin} beside the running server. */
    private void addUser(String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java(), "-jar", jar.toString(), "user", "add", name, "--password-stdin",
                "--data-dir", dataDir.toString()).redirectErrorStream(true).start();
        p.getOutputStream().write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void logIn(Browser b, String user, String next) {
        ChromeDriver d = b.driver();
        d.get(url + "/login?next=" + next.replace("/", "%2F"));
        d.findElement(By.id("username")).sendKeys(user);
        d.findElement(By.id("password")).sendKeys(PASSWORD);
        d.findElement(By.cssSelector("form.auth-form button")).click();
        b.waitUpTo(WAIT).until(x -> x.getCurrentUrl().equals(url + next));
        if (!next.equals("/")) {
            awaitReady(b);
        }
    }

    private static void awaitReady(Browser b) {
        b.waitUpTo(WAIT).until(x -> "true".equals(x.findElement(By.tagName("html")).getDomAttribute("data-ready")));
    }

    private static void say(Browser b, String text) {
        WebElement box = b.driver().findElement(By.id("text"));
        box.sendKeys(text);
        box.sendKeys(Keys.ENTER);
    }

    private static void awaitShown(Browser b, String part) {
        b.waitUpTo(WAIT).until(x -> x.findElement(By.id("messages")).getText().contains(part));
    }

    /** The viewport as a PNG, re-encoded by ImageIO (smaller than Chromium's own encoding). */
    private static void save(Browser b, Path dir, String name) throws IOException {
        byte[] png = b.driver().getScreenshotAs(OutputType.BYTES);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        List<String> line = new ArrayList<>(List.of(name, image.getWidth() + "x" + image.getHeight(),
                Files.size(file) / 1024 + " KB"));
        System.out.println("screenshot " + String.join(" ", line));
    }
}
