package dev.nagare.media.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.Cli;
import dev.nagare.testing.RawHandshake;
import dev.nagare.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
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

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new Cli(Map.of("NAGARE_DATA_DIR", server.dataDir().toString()), new PrintWriter(out, true),
                new PrintWriter(err, true)).run("user", "grant", "alice", "broadcast:video/*");
        assertThat(exit).as(err.toString()).isZero();

        assertThat(RawHandshake.upgrade(server, "/video/publish/cam", server.baseUrl(), token).status()).isEqualTo(101);
    }
}
