package dev.nagare.apps.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Role;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.SioClient;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The guide's protocol on the default namespace, and its page at /seed/chat. */
class GuideChatTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern"));

    @Test
    void aMessageGoesToEveryoneOnTheDefaultNamespaceSenderIncluded() throws Exception {
        try (SioClient alice = SioClient.connect(server, "/", "alice", Role.USER);
                SioClient bob = SioClient.connect(server, "/", "bob", Role.USER)) {
            alice.emit("message", "hello everyone");
            assertThat(bob.next("message").getString("value")).isEqualTo("hello everyone");
            assertThat(alice.next("message").getString("value")).isEqualTo("hello everyone");
        }
    }

    @Test
    void aGuestOrAnEmptyMessageIsRefusedWithAReason() throws Exception {
        try (SioClient guest = SioClient.connect(server, "/", "watcher", Role.GUEST);
                SioClient alice = SioClient.connect(server, "/", "alice", Role.USER)) {
            guest.emit("message", "let me in");
            assertThat(guest.next("nagare:error").getString("error")).isEqualTo("forbidden");
            alice.emit("message", "\u0000 ");
            assertThat(alice.next("nagare:error").getString("error")).isEqualTo("invalid_text");
        }
    }

    @Test
    void aTokenWithoutTheReadRightGetsNoMessages() throws Exception {
        try (SioClient spy = SioClient.connectScoped(server, "/", "feedbot", java.util.Set.of("publish:feed/*"));
                SioClient alice = SioClient.connect(server, "/", "alice", Role.USER)) {
            alice.emit("message", "not for feed tokens");
            assertThat(alice.next("message").getString("value")).isEqualTo("not for feed tokens");
            spy.emit("message", "x"); // refused (no publish:chat/guide); the refusal comes after any message
            assertThat(spy.next("nagare:error").getString("error")).isEqualTo("forbidden");
            assertThat(spy.drain("message")).isEmpty();
        }
    }

    @Test
    void theSeedPageNeedsALoginAndRunsOnlyItsOwnInlineScript() {
        HttpResponse<String> anonymous = server.get("/seed/chat");
        assertThat(anonymous.statusCode()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).hasValue("/login?next=%2Fseed%2Fchat");

        String hash = ChatRoutes.inlineScriptHash(ChatRoutes.SEED_PAGE);
        assertThat(hash).startsWith("sha256-").hasSize(51);
        var web = new dev.nagare.auth.WebClient(server.baseUrl());
        web.login("admin", "river stone lantern");
        HttpResponse<String> page = web.get("/seed/chat");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"/socket.io/socket.io.min.js\"></script>", "socket.send(input.value);");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("script-src 'self' '" + hash + "'").doesNotContain("unsafe-inline");
    }
}
