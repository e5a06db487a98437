package dev.nagare.apps.adminui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Admin UI's session ids are bounded in number and in time, and die with their account's rights. */
class AdminSessionsTest {

    @Test
    void anIdNamesItsAccountUntilItExpires() {
        AdminSessions sessions = new AdminSessions(10, 1000);
        String id = sessions.create("boss", 0);
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(sessions.username(id, 999)).isEqualTo("boss");
        assertThat(sessions.username(id, 1000)).as("expired").isNull();
        assertThat(sessions.size()).isZero();
        assertThat(sessions.username(null, 0)).isNull();
        assertThat(sessions.username("0123456789abcdef", 0)).isNull();
    }

    @Test
    void pastTheBoundTheOldestIdGoesFirst() {
        AdminSessions sessions = new AdminSessions(2, 60_000);
        String first = sessions.create("a", 0);
        String second = sessions.create("b", 1);
        String third = sessions.create("c", 2);
        assertThat(sessions.size()).isEqualTo(2);
        assertThat(sessions.username(first, 3)).isNull();
        assertThat(sessions.username(second, 3)).isEqualTo("b");
        assertThat(sessions.username(third, 3)).isEqualTo("c");
    }

    @Test
    void forgettingAnAccountDropsEachOfItsIds() {
        AdminSessions sessions = new AdminSessions(10, 60_000);
        String one = sessions.create("boss", 0);
        String two = sessions.create("boss", 0);
        String other = sessions.create("chief", 0);
        sessions.forget("boss");
        assertThat(sessions.username(one, 1)).isNull();
        assertThat(sessions.username(two, 1)).isNull();
        assertThat(sessions.username(other, 1)).isEqualTo("chief");
    }
}
