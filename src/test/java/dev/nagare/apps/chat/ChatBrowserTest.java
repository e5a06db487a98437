package dev.nagare.apps.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.socketio.SocketIoGuard;
import dev.nagare.auth.Principal;
import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.Browser;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.SioClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** Two people chat in two headless Chromiums; history survives a reload and a server restart loses nothing. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatBrowserTest {
    static final String PASSWORD = "velvet thunder orchard";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.SHUTDOWN_TIMEOUT, "1"));

    @RegisterExtension
    static final Browser alice = new Browser();

    @RegisterExtension
    static final Browser bob = new Browser();

    @BeforeAll
    static void accounts() {
        for (String user : List.of("alice", "bob")) {
            server.nagare().accounts().create(user, PASSWORD, Role.USER).await();
        }
        logIn(alice, "alice");
        logIn(bob, "bob");
    }

    private static void logIn(Browser b, String user) {
        ChromeDriver d = b.driver();
        d.get(server.baseUrl() + "/chat");
        // Not logged in: sent to the form, and back to /chat afterwards.
        b.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getCurrentUrl().contains("/login?next=%2Fchat"));
        d.findElement(By.id("username")).sendKeys(user);
        d.findElement(By.id("password")).sendKeys(PASSWORD);
        d.findElement(By.cssSelector("form.auth-form button")).click();
        b.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getCurrentUrl().equals(server.baseUrl() + "/chat"));
        awaitReady(b);
    }

    private static void awaitReady(Browser b) {
        b.waitUpTo(Duration.ofSeconds(15)).until(x ->
                "true".equals(x.findElement(By.tagName("html")).getDomAttribute("data-ready")));
    }

    private static void say(Browser b, String text) {
        WebElement box = b.driver().findElement(By.id("text"));
        box.sendKeys(text);
        box.sendKeys(Keys.ENTER);
    }

    /** Texts of the stored (not pending) messages shown, in order. */
    @SuppressWarnings("unchecked")
    private static List<String> shown(Browser b) {
        // Read in one script call: the list may be re-rendered between two WebDriver calls.
        return (List<String>) b.driver().executeScript("return [...document.querySelectorAll("
                + "'#messages li.msg:not(.pending) .text')].map(e => e.textContent)");
    }

    /** Clicks a room in the list once it is there (the list is live: counts change under us). */
    private static void clickRoom(Browser b, String room) {
        b.waitUpTo(Duration.ofSeconds(10)).until(d -> {
            d.findElement(By.cssSelector("#room-list button[data-room='" + room + "']")).click();
            return true;
        });
    }

    private static void awaitShown(Browser b, String text) {
        b.waitUpTo(Duration.ofSeconds(15)).until(x -> shown(b).contains(text));
    }

    @Test
    @Order(1)
    void twoUsersChatInANewRoomAndMarkupArrivesAsText() {
        ChromeDriver a = alice.driver();
        a.findElement(By.id("new-room")).sendKeys("lounge");
        a.findElement(By.id("new-room")).sendKeys(Keys.ENTER);
        alice.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("room-title")).getText().equals("#lounge"));

        By loungeButton = By.cssSelector("#room-list button[data-room='lounge']");
        bob.waitUpTo(Duration.ofSeconds(10)).until(x -> !x.findElements(loungeButton).isEmpty());
        clickRoom(bob, "lounge");
        bob.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("room-title")).getText().equals("#lounge"));
        alice.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("members")).getText().contains("bob"));

        say(alice, "Hello Bob <img src=x onerror=alert(1)>");
        awaitShown(bob, "Hello Bob <img src=x onerror=alert(1)>");
        assertThat(bob.driver().findElements(By.cssSelector("#messages img"))).isEmpty();
        // Bob types: alice sees it; his message arrives: the typing line goes with it, not 3 s later.
        WebElement box = bob.driver().findElement(By.id("text"));
        box.sendKeys("Hi Alice");
        alice.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("typing")).getText().equals("bob is typing…"));
        box.sendKeys(Keys.ENTER);
        awaitShown(alice, "Hi Alice");
        assertThat(alice.driver().findElement(By.id("typing")).getText()).isEmpty();
        // He starts the next one at once: that is news again, though his last typing notice was just now
        // (both ends pace typing notices; a sent message resets the pace).
        box.sendKeys("And");
        alice.waitUpTo(Duration.ofMillis(900)).until(x -> x.findElement(By.id("typing")).getText().equals("bob is typing…"));
        box.clear();
        assertThat(shown(alice)).containsExactly("Hello Bob <img src=x onerror=alert(1)>", "Hi Alice");
        assertThat(alice.consoleErrors()).isEmpty();
        assertThat(bob.consoleErrors()).isEmpty();
    }

    @Test
    @Order(2)
    void historyIsThereAfterAReload() {
        say(alice, "Before the reload");
        awaitShown(bob, "Before the reload");
        bob.driver().navigate().refresh();
        awaitReady(bob);
        // After a reload the page opens #general and has joined #lounge again, as before it.
        By lounge = By.cssSelector("#room-list button[data-room='lounge']");
        bob.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElements(lounge).stream()
                .anyMatch(b -> "true".equals(b.getDomAttribute("data-joined"))));
        alice.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("members")).getText().contains("bob"));
        clickRoom(bob, "lounge");
        awaitShown(bob, "Before the reload");
        assertThat(shown(bob)).containsExactly("Hello Bob <img src=x onerror=alert(1)>", "Hi Alice", "Before the reload");
    }

    @Test
    @Order(3)
    void afterAServerRestartMessagesSentDuringTheOutageArriveOnceAndTheQueuedOneIsSentOnce() throws Exception {
        clickRoom(alice, "general");
        alice.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("room-title")).getText().equals("#general"));
        say(alice, "Before the restart");
        awaitShown(alice, "Before the restart");

        server.stop();
        alice.waitUpTo(Duration.ofSeconds(15)).until(x -> "down".equals(x.findElement(By.id("status")).getDomAttribute("data-state")));
        say(alice, "Typed while offline");
        alice.waitUpTo(Duration.ofSeconds(5)).until(x -> x.findElement(By.id("outbox")).getText().contains("1 message queued"));

        server.startAgain();
        // Hold alice's reconnection until bob has posted, so that her page must catch up from history.
        Promise<Void> gate = Promise.promise();
        server.nagare().io().of(ChatApp.NAMESPACE).use(socket -> {
            Principal p = SocketIoGuard.principal(socket);
            return p != null && p.username().equals("alice") ? gate.future() : Future.succeededFuture();
        });
        try (SioClient bobApi = SioClient.connect(server, "/chat", "bob", Role.USER)) {
            for (int i = 1; i <= 3; i++) {
                bobApi.ok("send", new JsonObject().put("room", "general").put("text", "During the outage " + i)
                        .put("clientId", "outage-msg-" + i));
            }
        }
        gate.complete();

        awaitShown(alice, "Typed while offline");
        awaitShown(alice, "During the outage 3");
        assertThat(shown(alice)).containsSubsequence("Before the restart", "During the outage 1", "During the outage 2",
                "During the outage 3", "Typed while offline");
        assertThat(shown(alice)).doesNotHaveDuplicates();
        assertThat(alice.driver().findElements(By.cssSelector("#messages li.pending"))).isEmpty();
        assertThat(alice.driver().findElement(By.id("status")).getDomAttribute("data-state")).isEqualTo("up");
        long stored = server.nagare().chat().log().before("general", 0, 100).await(10, TimeUnit.SECONDS).stream()
                .filter(m -> m.text().equals("Typed while offline")).count();
        assertThat(stored).isEqualTo(1);
    }

    @Test
    @Order(4)
    void theGuidesOwnPageWorksUnchangedUnderTheStrictPolicy() throws Exception {
        alice.consoleErrors(); // forget the refused reconnections the outage test logged
        try (SioClient listener = SioClient.connect(server, "/", "bob", Role.USER)) {
            ChromeDriver a = alice.driver();
            a.get(server.baseUrl() + "/seed/chat");
            alice.waitUpTo(Duration.ofSeconds(10)).until(x ->
                    Boolean.TRUE.equals(a.executeScript("return typeof io === 'function'")));
            // The guide's script connects on DOMContentLoaded; type until its form is live.
            WebElement input = a.findElement(By.id("input"));
            input.sendKeys("hello from the guide's page");
            input.sendKeys(Keys.ENTER);
            alice.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElements(By.cssSelector("#messages li")).stream()
                    .anyMatch(li -> li.getText().equals("hello from the guide's page")));
            assertThat(listener.next("message").getString("value")).isEqualTo("hello from the guide's page");
            assertThat(alice.consoleErrors()).isEmpty();
        }
    }

    @Test
    @Order(5)
    void atPhoneWidthThePageFitsAndWorksFromTheKeyboard() {
        ChromeDriver a = alice.driver();
        a.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            a.get(server.baseUrl() + "/chat");
            awaitReady(alice);
            Number overflow = (Number) a.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(overflow.intValue()).isLessThanOrEqualTo(0);
            // Tab order reaches the message box; Enter sends.
            WebElement box = a.findElement(By.id("text"));
            for (int i = 0; i < 40 && !box.equals(a.switchTo().activeElement()); i++) {
                a.switchTo().activeElement().sendKeys(Keys.TAB);
            }
            assertThat(a.switchTo().activeElement()).isEqualTo(box);
            a.switchTo().activeElement().sendKeys("Sent from a phone", Keys.ENTER);
            awaitShown(alice, "Sent from a phone");
        } finally {
            a.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        }
    }

    @Test
    @Order(6)
    void aRoomItsCreatorDeletesLeavesEveryPageAtOnce() {
        for (Browser b : List.of(alice, bob)) {
            b.driver().get(server.baseUrl() + "/chat");
            awaitReady(b);
            b.consoleErrors(); // read and so cleared: the restart above left connection errors behind
        }
        ChromeDriver a = alice.driver();
        a.findElement(By.id("new-room")).sendKeys("brief-room", Keys.ENTER);
        alice.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("room-title")).getText().equals("#brief-room"));
        clickRoom(bob, "brief-room");
        bob.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("room-title")).getText().equals("#brief-room"));
        assertThat(bob.driver().findElement(By.id("delete-room")).isDisplayed()).as("only its creator may").isFalse();

        a.findElement(By.id("delete-room")).click();
        a.switchTo().alert().accept();
        By button = By.cssSelector("#room-list button[data-room='brief-room']");
        // Both pages drop it from the list (bob from the server's "removed" delta) and go back to #general.
        for (Browser b : List.of(alice, bob)) {
            b.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElements(button).isEmpty()
                    && x.findElement(By.id("room-title")).getText().equals("#general"));
        }
        assertThat(alice.consoleErrors()).isEmpty();
        assertThat(bob.consoleErrors()).isEmpty();
    }
}
