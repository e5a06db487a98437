package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who may do what, without any transport: role defaults, grants, token scopes, nobody. */
class AccessTest {

    @Test
    void rightsFollowRoleGrantsAndScopes() {
        Principal user = new Principal(1, "u", Role.USER, Set.of("broadcast:video/cam1"), null, null);
        assertThat(user.may("publish", "chat/general")).isTrue();
        assertThat(user.may("publish", "sse/news")).as("SSE publishing is granted explicitly").isFalse();
        assertThat(user.may("join", "sse/news")).isTrue();
        assertThat(new Principal(1, "u", Role.USER, Set.of("publish:sse/*"), null, null).may("publish", "sse/news")).isTrue();
        assertThat(user.may("broadcast", "video/cam1")).isTrue();
        assertThat(user.may("broadcast", "video/cam2")).isFalse();
        Principal narrowed = new Principal(1, "u", Role.USER, Set.of(), Set.of("publish:chat/*"), null);
        assertThat(narrowed.may("publish", "chat/x")).isTrue();
        assertThat(narrowed.may("join", "chat")).isFalse();
        Principal admin = new Principal(1, "a", Role.ADMIN, Set.of(), null, null);
        assertThat(admin.may("broadcast", "audio/any")).isTrue();
        assertThat(new Principal(1, "g", Role.GUEST, Set.of(), null, null)
                .may("publish", "chat/x")).isFalse();
    }

    @Test
    void nobodyLoggedInIsToldApartFromSomebodyWithoutTheRight() {
        Principal guest = new Principal(0, "guest-abcdef", Role.GUEST, null, null, null);
        assertThat(Access.check(null, "join", "video/default")).isEqualTo(Access.NO_LOGIN);
        assertThat(Access.check(guest, "broadcast", "video/cam1")).isEqualTo(Access.DENIED);
        assertThat(Access.check(guest, "join", "video/default")).isEqualTo(Access.GRANTED);
        assertThat(Access.permits(null, "join", "video/default")).isFalse();
        assertThat(Access.permits(guest, "join", "video/default")).isTrue();
        assertThat(Access.right("publish", "sse/news")).isEqualTo("publish:sse/news");
    }
}
