package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    @Test
    void failuresPastTheFreeOnesLockOutForDoublingDelays() {
        LoginThrottle t = new LoginThrottle(3);
        long now = 1_000_000;
        for (int i = 0; i < 3; i++) {
            t.failure("1.2.3.4", "alice", now);
        }
        assertThat(t.retryAfterMillis("1.2.3.4", "alice", now)).isZero();
        t.failure("1.2.3.4", "alice", now);
        assertThat(t.retryAfterMillis("1.2.3.4", "alice", now)).isEqualTo(1000);
        t.failure("1.2.3.4", "alice", now);
        assertThat(t.retryAfterMillis("1.2.3.4", "alice", now)).isEqualTo(2000);
        // the account is locked from any address, and the address for any account
        assertThat(t.retryAfterMillis("9.9.9.9", "alice", now)).isEqualTo(2000);
        assertThat(t.retryAfterMillis("1.2.3.4", "bob", now)).isEqualTo(2000);
        assertThat(t.retryAfterMillis("9.9.9.9", "bob", now)).isZero();
        assertThat(t.retryAfterMillis("1.2.3.4", "alice", now + 2000)).isZero();
    }

    @Test
    void theLockOutIsCappedAndASuccessClearsIt() {
        LoginThrottle t = new LoginThrottle(0);
        for (int i = 0; i < 40; i++) {
            t.failure("ip", "u", 0);
        }
        assertThat(t.retryAfterMillis("ip", "u", 0)).isEqualTo(15 * 60_000);
        t.success("ip", "u");
        assertThat(t.retryAfterMillis("ip", "u", 0)).isZero();
    }
}
