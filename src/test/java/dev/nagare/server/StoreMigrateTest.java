package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Role;
import dev.nagare.store.StoreConfig;
import dev.nagare.testing.PostgresServer;
import dev.nagare.testing.SioClient;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nagare store migrate}: a SQLite store filled by a running server moves to PostgreSQL, a second
 * run copies nothing, and a server on PostgreSQL then shows the same chat history and logins.
 */
class StoreMigrateTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    private Run cli(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new Cli(env, new PrintWriter(out, true), new PrintWriter(err, true)).run(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aPopulatedSqliteStoreMovesToPostgresOnceAndTheChatShowsTheSameHistory() throws Exception {
        PostgresServer pg = PostgresServer.shared();
        StoreConfig target = pg.newDatabase(dir);
        String url = target.describe();

        TestServer sqlite = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern"));
        sqlite.beforeAll(null);
        List<String> general;
        List<String> tea;
        Path data = sqlite.dataDir();
        try {
            SioClient alice = SioClient.connect(sqlite, "/chat", "alice", Role.USER);
            SioClient bob = SioClient.connect(sqlite, "/chat", "Bob", Role.USER);
            alice.ok("create", new JsonObject().put("room", "tea"));
            bob.ok("join", new JsonObject().put("room", "tea"));
            for (int i = 0; i < 5; i++) {
                alice.ok("send", send("general", "hello " + i, "mig-alice-" + i));
                bob.ok("send", send("tea", "tea " + i, "mig-bob-" + i));
            }
            general = page(alice, "general");
            tea = page(alice, "tea");
            assertThat(pauseMarket(sqlite)).isEqualTo(200); // a paused feed moves paused
            alice.close();
            bob.close();
            sqlite.stop();

            Map<String, String> env = Map.of("NAGARE_STORE_PASSWORD", pg.password());
            Run first = cli(env, "store", "migrate", "--from", data.toString(), "--to", url);
            assertThat(first.exit()).as(first.err()).isZero();
            assertThat(first.out()).containsPattern("chat_messages\\s+10 copied\\s+0 already there")
                    .containsPattern("users\\s+3 copied") // admin, alice, Bob
                    .containsPattern("feed_pauses\\s+1 copied");
            Run again = cli(env, "store", "migrate", "--from", data.toString(), "--to", url);
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(again.out()).contains("Done: 0 rows copied");
        } finally {
            sqlite.afterAll(null);
        }

        TestServer onPostgres = new TestServer(Map.of(Setting.STORE, url, Setting.STORE_PASSWORD, pg.password()));
        onPostgres.beforeAll(null);
        try {
            assertThat(onPostgres.nagare().store().describe()).isEqualTo(url);
            assertThat(onPostgres.nagare().accounts().authenticate("alice", "velvet thunder orchard")
                    .await(10, TimeUnit.SECONDS)).isPresent();
            SioClient alice = SioClient.connect(onPostgres, "/chat", "alice", Role.USER);
            alice.ok("join", new JsonObject().put("room", "tea"));
            assertThat(page(alice, "general")).isEqualTo(general).hasSize(5);
            assertThat(page(alice, "tea")).isEqualTo(tea).hasSize(5);
            // New messages get ids after the copied ones.
            long id = alice.ok("send", send("general", "after the move", "mig-alice-new")).getJsonObject("message").getLong("id");
            assertThat(id).isGreaterThan(10);
            alice.close();
            var admin = onPostgres.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
            String token = onPostgres.nagare().tokens().create(admin, "t", java.util.Set.of(), java.time.Duration.ofHours(1))
                    .await(10, TimeUnit.SECONDS).secret();
            String feeds = onPostgres.send(java.net.http.HttpRequest.newBuilder(onPostgres.uri("/api/feeds"))
                    .header("Authorization", "Bearer " + token).build()).body();
            assertThat(new JsonObject(feeds).getJsonArray("feeds").stream().map(o -> (JsonObject) o)
                    .filter(f -> f.getString("name").equals("market")).findFirst().orElseThrow().getBoolean("paused")).isTrue();
        } finally {
            onPostgres.afterAll(null);
        }
    }

    /** Pauses the simulated {@code market} feed through the API, as an administrator; returns the status. */
    private static int pauseMarket(TestServer server) throws Exception {
        var admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        String token = server.nagare().tokens().create(admin, "t", java.util.Set.of(), java.time.Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
        return server.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/feeds/market/pause"))
                .header("Authorization", "Bearer " + token).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build())
                .statusCode();
    }

    @Test
    void migrateNeedsAPostgresTargetAndAnExistingSource() {
        Run noTarget = cli(Map.of(), "store", "migrate", "--from", dir.toString());
        assertThat(noTarget.exit()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(noTarget.err()).contains("needs a PostgreSQL target");
        Run noSource = cli(Map.of(), "store", "migrate", "--from", dir.resolve("nothing").toString(),
                "--to", "postgres://nagare@127.0.0.1:1/nagare");
        assertThat(noSource.exit()).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(noSource.err()).contains("no SQLite store at");
        Run badUrl = cli(Map.of(), "store", "info", "--store", "mysql://u:secret@h/db");
        assertThat(badUrl.exit()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(badUrl.err()).contains("use 'sqlite' or postgres://").doesNotContain("secret");
    }

    private static JsonObject send(String room, String text, String clientId) {
        return new JsonObject().put("room", room).put("text", text).put("clientId", clientId);
    }

    /** The room's history as "id user: text" lines, as a client sees it. */
    private static List<String> page(SioClient c, String room) throws Exception {
        JsonArray a = c.ok("history", new JsonObject().put("room", room).put("limit", 50)).getJsonArray("messages");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonObject m = a.getJsonObject(i);
            out.add(m.getLong("id") + " " + m.getString("user") + ": " + m.getString("text"));
        }
        return out;
    }
}
