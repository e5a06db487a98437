package dev.nagare.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a backend's reply means, byte for byte, and what a failed backend gets in each failure mode. */
class HookVerdictTest {
    private static HookVerdict verdict(String reply, boolean mayRewrite) {
        return ProxyHooks.verdict(Buffer.buffer(reply), mayRewrite);
    }

    @Test
    void repliesAreAllowRewriteOrRefuseAndAnythingElseIsAFailure() {
        assertThat(verdict("{\"result\":\"allow\"}", false)).isEqualTo(HookVerdict.ALLOW);
        // a rewrite, where one is allowed (a chat message)
        assertThat(verdict("{\"result\":\"allow\",\"text\":\"hi\"}", true)).isEqualTo(new HookVerdict(true, null, "hi"));
        assertThat(verdict("{\"result\":\"refuse\",\"reason\":\"muted\"}", false)).isEqualTo(HookVerdict.refuse("muted"));
        // a refusal without a reason still says something
        assertThat(verdict("{\"result\":\"refuse\"}", false)).isEqualTo(HookVerdict.refuse("refused"));
        // a rewrite of a connect, an unknown result, a wrong type, not JSON: failures
        for (String bad : new String[] {"{\"result\":\"allow\",\"text\":\"hi\"}", "{\"result\":\"maybe\"}",
                "{\"result\":\"refuse\",\"reason\":7}", "{}"}) {
            assertThatThrownBy(() -> verdict(bad, false)).as(bad)
                    .hasMessage("a reply that is not {\"result\":\"allow\"|\"refuse\", ...}");
        }
        assertThatThrownBy(() -> verdict("allow", false)).hasMessage("a reply that is not a JSON object");
    }

    @Test
    void aBackendThatIsNotThereRefusesOrAllowsAsTheFailureModeSays() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens there once closed
        }
        URI url = URI.create("http://127.0.0.1:" + closed + "/hooks");
        Vertx vertx = Vertx.vertx();
        try {
            for (boolean open : new boolean[] {false, true}) {
                ProxyHooks hooks = new ProxyHooks(vertx, new HookConfig(url, url, Duration.ofMillis(500), open));
                assertThat(hooks.connect("alice", "/chat", "127.0.0.1").await(5, TimeUnit.SECONDS))
                        .isEqualTo(open ? HookVerdict.ALLOW : HookVerdict.refuse(ProxyHooks.UNAVAILABLE));
                assertThat(hooks.publish("alice", "general", "hi").await(5, TimeUnit.SECONDS).allowed()).isEqualTo(open);
            }
            assertThat(ProxyHooks.NONE.publish("alice", "general", "hi").await(5, TimeUnit.SECONDS)).isEqualTo(HookVerdict.ALLOW);
        } finally {
            vertx.close().await(5, TimeUnit.SECONDS);
        }
    }
}
