package dev.nagare.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.testing.Browser;
import dev.nagare.testing.JavaClient;
import dev.nagare.testing.TestServer;
import io.socket.client.IO;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** The admin console in real Chromium, tab by tab, as an administrator; and a user who is not one, refused. */
class AdminConsoleBrowserTest {
    private static final String PASSWORD = "velvet thunder orchard";

    @RegisterExtension
    static final TestServer server = new TestServer();

    @RegisterExtension
    static final Browser admin = new Browser();

    @RegisterExtension
    static final Browser user = new Browser();

    @BeforeAll
    static void accounts() {
        server.nagare().accounts().create("boss", PASSWORD, Role.ADMIN).await();
        server.nagare().accounts().create("worker", PASSWORD, Role.USER).await();
        logIn(admin, "boss");
        logIn(user, "worker");
    }

    private static void logIn(Browser b, String name) {
        ChromeDriver d = b.driver();
        d.get(server.baseUrl() + "/admin");
        b.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getCurrentUrl().contains("/login?next=%2Fadmin"));
        d.findElement(By.id("username")).sendKeys(name);
        d.findElement(By.id("password")).sendKeys(PASSWORD);
        d.findElement(By.cssSelector("form.auth-form button")).click();
        b.waitUpTo(Duration.ofSeconds(10)).until(x -> x.getCurrentUrl().equals(server.baseUrl() + "/admin"));
    }

    private static void tab(String name) {
        admin.driver().findElement(By.cssSelector(".tabs a[data-tab='" + name + "']")).click();
        admin.waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElement(By.id(name)).isDisplayed());
    }

    private static WebElement row(String attribute, String value) {
        return admin.waitUpTo(Duration.ofSeconds(10)).until(d ->
                d.findElements(By.cssSelector("tr[" + attribute + "='" + value + "']")).stream().findFirst().orElse(null));
    }

    private static void gone(String attribute, String value) {
        admin.waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElements(By.cssSelector("tr[" + attribute + "='" + value + "']"))
                .isEmpty());
    }

    @Test
    void aUserWhoIsNotAnAdministratorIsRefused() {
        assertThat(user.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Administrators only");
        assertThat(user.driver().findElements(By.id("user-form"))).isEmpty();
    }

    @Test
    void theOverviewShowsLiveCountsAndNamespaces() throws Exception {
        server.nagare().io().of("/watched");
        io.socket.client.Socket s = connect("/watched", null);
        admin.driver().get(server.baseUrl() + "/admin#overview");
        admin.waitUpTo(Duration.ofSeconds(10)).until(d ->
                d.findElement(By.id("namespaces")).getText().contains("/watched 1"));
        assertThat(admin.driver().findElement(By.id("counts")).getText()).contains("Engine.IO sessions", "Deliveries per second");
        s.close();
        assertThat(admin.consoleErrors()).isEmpty();
    }

    @Test
    void usersAreCreatedGrantedAndDeletedFromTheConsole() {
        admin.driver().get(server.baseUrl() + "/admin#users");
        tab("users");
        WebElement form = admin.driver().findElement(By.id("user-form"));
        form.findElement(By.name("username")).sendKeys("carol");
        form.findElement(By.name("password")).sendKeys(PASSWORD);
        form.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement carol = row("data-user", "carol");
        carol.findElement(By.cssSelector("input.grant")).sendKeys("broadcast:video/*");
        carol.findElement(By.cssSelector("button.do-grant")).click();
        admin.waitUpTo(Duration.ofSeconds(10)).until(d -> row("data-user", "carol").getText().contains("broadcast:video/*"));
        assertThat(server.nagare().accounts().grants("carol").await()).containsExactly("broadcast:video/*");

        WebElement delete = row("data-user", "carol").findElement(By.cssSelector("button.do-delete"));
        delete.click();
        assertThat(delete.getText()).isEqualTo("Really delete?");
        delete.click();
        gone("data-user", "carol");
        assertThat(server.nagare().accounts().find("carol").await()).isEmpty();

        tab("audit");
        admin.waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElement(By.id("audit-rows")).getText()
                .contains("grant broadcast:video/*"));
        assertThat(admin.driver().findElement(By.id("audit-rows")).getText()).contains("boss", "create user", "delete user");
        assertThat(admin.consoleErrors()).isEmpty();
    }

    @Test
    void aTokenIsCreatedShownOnceAndRevoked() {
        admin.driver().get(server.baseUrl() + "/admin#tokens");
        tab("tokens");
        WebElement form = admin.driver().findElement(By.id("token-form"));
        form.findElement(By.name("user")).sendKeys("worker");
        form.findElement(By.name("name")).sendKeys("deploy-bot");
        form.findElement(By.name("scopes")).sendKeys("emit:/chat");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement secret = admin.waitUpTo(Duration.ofSeconds(10)).until(d -> {
            WebElement s = d.findElement(By.id("token-secret-value"));
            return s.isDisplayed() && !s.getText().isBlank() ? s : null;
        });
        String value = secret.getText();
        var info = server.nagare().tokens().list().await().stream().filter(t -> t.name().equals("deploy-bot")).findFirst()
                .orElseThrow();
        WebElement tokenRow = row("data-token", Long.toString(info.id()));
        assertThat(tokenRow.getText()).contains("worker", "emit:/chat").doesNotContain(value);
        tokenRow.findElement(By.tagName("button")).click();
        gone("data-token", Long.toString(info.id()));
        assertThat(server.nagare().tokens().list().await()).noneMatch(t -> t.id() == info.id());
    }

    @Test
    void aConnectedSocketIsListedWithItsUserAndDisconnected() throws Exception {
        Account a = server.nagare().accounts().find("worker").await().orElseThrow();
        String token = server.nagare().tokens().create(a, "socket", Set.of(), Duration.ofHours(1)).await().secret();
        CompletableFuture<String> gone = new CompletableFuture<>();
        io.socket.client.Socket s = connect("/", token);
        s.on(io.socket.client.Socket.EVENT_DISCONNECT, x -> gone.complete(String.valueOf(x[0])));

        admin.driver().get(server.baseUrl() + "/admin#sockets");
        tab("sockets");
        admin.waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElements(By.cssSelector("#socket-namespace option[value='/']"))
                .size() == 1);
        new org.openqa.selenium.support.ui.Select(admin.driver().findElement(By.id("socket-namespace"))).selectByValue("/");
        admin.driver().findElement(By.cssSelector("#socket-form button")).click();
        // The table is drawn again when the list comes back: wait through replaced rows.
        admin.waitUpTo(Duration.ofSeconds(10)).until(d -> row("data-socket", s.id()).getText().contains("worker"));
        admin.waitUpTo(Duration.ofSeconds(10)).until(d -> {
            row("data-socket", s.id()).findElement(By.tagName("button")).click();
            return true;
        });
        assertThat(gone.get(10, TimeUnit.SECONDS)).isEqualTo("io server disconnect");
        gone("data-socket", s.id());
    }

    @Test
    void aSocketShowsAsAMemberOfItsRoom() throws Exception {
        server.nagare().io().of("/roomy").use(server.nagare().socketAuth().connect()).onConnection(s -> s.join("lobby"));
        Account a = server.nagare().accounts().find("worker").await().orElseThrow();
        io.socket.client.Socket s = connect("/roomy", server.nagare().tokens().create(a, "rooms", Set.of(),
                Duration.ofHours(1)).await().secret());
        try {
            admin.driver().get(server.baseUrl() + "/admin#rooms");
            tab("rooms");
            admin.waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElements(By.cssSelector("#room-namespace option[value='/roomy']"))
                    .size() == 1);
            new org.openqa.selenium.support.ui.Select(admin.driver().findElement(By.id("room-namespace"))).selectByValue("/roomy");
            admin.driver().findElement(By.cssSelector("#room-form button")).click();
            admin.waitUpTo(Duration.ofSeconds(10)).until(d -> row("data-room", "lobby")
                    .findElements(By.cssSelector("li[data-member='" + s.id() + "']")).size() == 1);
            assertThat(row("data-room", "lobby").getText()).contains("lobby", "worker (" + s.id() + ")");
            // A socket's own room is not listed as a room.
            assertThat(admin.driver().findElements(By.cssSelector("tr[data-room='" + s.id() + "']"))).isEmpty();
            assertThat(admin.consoleErrors()).isEmpty();
        } finally {
            s.close();
        }
    }

    @Test
    void feedsAreAddedPausedResumedAndRemovedAndTheGameIsShown() {
        admin.driver().get(server.baseUrl() + "/admin#feeds");
        tab("feeds");
        row("data-feed", "market");
        WebElement form = admin.driver().findElement(By.id("feed-form"));
        form.findElement(By.name("name")).sendKeys("lab");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        assertThat(row("data-feed", "lab").getDomAttribute("data-paused")).isEqualTo("false");
        row("data-feed", "lab").findElement(By.cssSelector("button.do-pause")).click();
        // The table is drawn again when the list comes back: wait for the new row.
        admin.waitUpTo(Duration.ofSeconds(10)).until(d -> "true".equals(row("data-feed", "lab").getDomAttribute("data-paused")));
        WebElement paused = row("data-feed", "lab");
        assertThat(paused.findElement(By.cssSelector("td.feed-state")).getText()).isEqualTo("paused");
        assertThat(paused.findElement(By.cssSelector("button.do-pause")).getText()).isEqualTo("Resume");
        paused.findElement(By.cssSelector("button.do-pause")).click();
        admin.waitUpTo(Duration.ofSeconds(10)).until(d -> "false".equals(row("data-feed", "lab").getDomAttribute("data-paused")));
        assertThat(row("data-feed", "lab").findElement(By.cssSelector("td.feed-state")).getText()).isEqualTo("running");
        row("data-feed", "lab").findElement(By.cssSelector("button.do-remove")).click();
        gone("data-feed", "lab");

        tab("audit");
        admin.waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElement(By.id("audit-rows")).getText().contains("remove feed"));
        assertThat(admin.driver().findElement(By.id("audit-rows")).getText()).contains("add feed", "pause feed", "resume feed");

        tab("game");
        admin.waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElement(By.id("game-ticks")).getText().contains("ticks a second"));
        assertThat(admin.consoleErrors()).isEmpty();
    }

    @Test
    void aFailedLoginShowsAmongTheSecurityEvents() throws Exception {
        var res = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/api/auth/token")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"username\":\"mallory\",\"password\":\"guess one two\"}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(401);
        admin.driver().get(server.baseUrl() + "/admin#security");
        tab("security");
        admin.waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElement(By.id("security-rows")).getText().contains("mallory"));
        assertThat(admin.driver().findElement(By.id("security-rows")).getText()).contains("login failed", "127.0.0.1");
    }

    private static io.socket.client.Socket connect(String nsp, String token) throws Exception {
        return JavaClient.connect(server.baseUrl() + nsp, token);
    }
}
