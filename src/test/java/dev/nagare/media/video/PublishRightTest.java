package dev.nagare.media.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.Cli;
import dev.nagare.testing.RawHandshake;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's way to let a user publish a camera: {@code user grant alice 'broadcast:video/*'} on the
 * command line, while the server runs. Before it, alice's publishing socket is refused; after it,
 * the same login is let in (rights are read at each connection).
 */
class PublishRightTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @Test
    void aRightGrantedOnTheCommandLineLetsAUserPublishACamera() throws Exception {
        Account alice = server.nagare().accounts().create("alice", "river stone lantern", Role.USER)
                .await(10, TimeUnit.SECONDS);
        String token = server.nagare().tokens().create(alice, "camera", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
        assertThat(RawHandshake.upgrade(server, "/video/publish/cam", server.baseUrl(), token).status()).isEqualTo(403);
        // What the publish page asks before it turns the camera on: which right is missing, how to grant it.
        JsonObject before = mayPublish(token, "cam");
        assertThat(before.getBoolean("allowed")).isFalse();
        assertThat(before.getString("message")).contains("lacks the right broadcast:video/cam")
                .contains("user grant alice 'broadcast:video/*'");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new Cli(Map.of("NAGARE_DATA_DIR", server.dataDir().toString()), new PrintWriter(out, true),
                new PrintWriter(err, true)).run("user", "grant", "alice", "broadcast:video/*");
        assertThat(exit).as(err.toString()).isZero();

        assertThat(mayPublish(token, "cam").getBoolean("allowed")).isTrue();
        assertThat(RawHandshake.upgrade(server, "/video/publish/cam", server.baseUrl(), token).status()).isEqualTo(101);
    }

    @Test
    void askingWhetherOneMayPublishNeedsALogin() throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + "/api/video/publish/cam")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(401);
    }

    private static JsonObject mayPublish(String token, String stream) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/api/video/publish/" + stream))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return new JsonObject(res.body());
    }
}
