package dev.nagare.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nagare.adapter.RedisLink;
import dev.nagare.auth.LoginThrottle;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Login throttling across the nodes of a cluster: every attempt a node admits (and every success)
 * is published on {@code <key>-nagare#logins#} and applied by the other nodes to their own
 * {@link LoginThrottle}, so guesses spread over the nodes are counted as if made at one (the
 * limits stay those of one node; only the delivery delay of Redis, well under the back-off's
 * seconds, lets concurrent guesses slip past).
 *
 * <pre>
 *   {"n": node, "s": success, "ip": address, "u": user, "at": ms, "ab": ms, "cb": ms}
 * </pre>
 */
final class SharedLogins {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String node = HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
    private final RedisLink link;
    private final String channel;
    private final Consumer<byte[]> onMessage;
    private final LoginThrottle throttle;

    private SharedLogins(RedisLink link, LoginThrottle throttle) {
        this.link = link;
        this.throttle = throttle;
        this.channel = link.config().key() + "-nagare#logins#";
        this.onMessage = this::received;
    }

    /** Shares {@code throttle} with the other nodes over {@code link}. */
    static SharedLogins install(RedisLink link, LoginThrottle throttle) {
        SharedLogins shared = new SharedLogins(link, throttle);
        link.subscribe(shared.channel, shared.onMessage);
        throttle.share(shared::send);
        return shared;
    }

    private void send(LoginThrottle.Shared s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", node);
        m.put("s", s.success());
        m.put("ip", s.ip());
        m.put("u", s.user());
        m.put("at", s.at());
        m.put("ab", s.addressBefore());
        m.put("cb", s.accountBefore());
        try {
            link.publish(channel, JSON.writeValueAsBytes(m));
        } catch (IOException e) {
            link.warn("a login attempt could not be shared: " + e);
        }
    }

    private void received(byte[] bytes) {
        try {
            Map<?, ?> m = JSON.readValue(bytes, Map.class);
            if (node.equals(m.get("n"))) {
                return;
            }
            if (!(m.get("ip") instanceof String ip) || !(m.get("u") instanceof String user) || ip.length() > 64
                    || !(m.get("at") instanceof Number at) || !(m.get("ab") instanceof Number ab)
                    || !(m.get("cb") instanceof Number cb)) {
                throw new IOException("fields missing or of the wrong type");
            }
            throttle.apply(new LoginThrottle.Shared(Boolean.TRUE.equals(m.get("s")), ip, user, at.longValue(),
                    ab.longValue(), cb.longValue()));
        } catch (IOException | RuntimeException e) {
            link.warn("a shared login attempt was dropped: " + e.getMessage());
        }
    }

    void close() {
        throttle.share(s -> { });
        link.unsubscribe(channel, onMessage);
    }
}
