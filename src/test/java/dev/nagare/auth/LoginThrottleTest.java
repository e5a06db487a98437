package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    static final long MIN = 60_000;

    @Test
    void failuresPastTheFreeOnesAreSpacedByDoublingDelays() {
        LoginThrottle t = new LoginThrottle(3);
        long now = 1_000_000;
        for (int i = 0; i < 4; i++) {
            assertThat(t.begin("1.2.3.4", "alice", false, now).allowed()).as("attempt %d", i + 1).isTrue();
        }
        // the fourth failure (one past the free ones) starts the back-off: 1 s, then 2 s, 4 s ...
        assertThat(t.begin("1.2.3.4", "alice", false, now).retryAfterMillis()).isEqualTo(1000);
        assertThat(t.begin("1.2.3.4", "alice", false, now + 1000).allowed()).isTrue();
        assertThat(t.begin("1.2.3.4", "alice", false, now + 1000).retryAfterMillis()).isEqualTo(2000);
        assertThat(t.begin("1.2.3.4", "alice", false, now + 3000).allowed()).isTrue();
        assertThat(t.begin("1.2.3.4", "alice", false, now + 3000).retryAfterMillis()).isEqualTo(4000);
    }

    @Test
    void aStrangersGuessesNeverLockTheOwnerOutFromAnotherAddress() {
        LoginThrottle t = new LoginThrottle(5);
        long now = 0;
        int admitted = 0;
        for (int i = 0; i < 1000; i++, now += 500) { // a stranger hammering for 8 minutes
            admitted += t.begin("6.6.6.6", "alice", false, now).allowed() ? 1 : 0;
        }
        assertThat(admitted).isBetween(6, 15); // 5 free, then 1 s, 2 s, 4 s ... apart
        assertThat(t.begin("6.6.6.6", "alice", false, now).allowed()).isFalse();
        assertThat(t.begin("7.7.7.7", "alice", false, now).allowed()).as("the owner, elsewhere").isTrue();
        // nor other accounts from the stranger's address (the address budget is 20)
        assertThat(t.begin("6.6.6.6", "bob", false, now).allowed()).isTrue();
    }

    @Test
    void aSuccessClearsOnlyItsOwnPairAndDoesNotResetTheAddressBudget() {
        LoginThrottle t = new LoginThrottle(5);
        long now = 0;
        int sprayed = 0;
        for (int i = 0; i < 30; i++, now += 10) {
            // the attacker logs in to their own account between guesses at others'
            // (from the browser that logged in to it before: the address budget does not stop that)
            LoginThrottle.Attempt own = t.begin("6.6.6.6", "mallory", true, now);
            assertThat(own.allowed()).isTrue();
            own.succeeded(now);
            LoginThrottle.Attempt guess = t.begin("6.6.6.6", "victim" + i, false, now);
            sprayed += guess.allowed() ? 1 : 0;
        }
        assertThat(sprayed).isEqualTo(LoginThrottle.ADDRESS.free() + 1); // then spaced out, not reset
        // A success clears its own pair only: the pair mallory@6.6.6.6 was clear all along, and
        // after the owner of "victim0" succeeds from elsewhere, the stranger is still limited.
        LoginThrottle.Attempt victim = t.begin("1.1.1.1", "victim0", false, now);
        assertThat(victim.allowed()).isTrue();
        victim.succeeded(now);
        assertThat(t.begin("6.6.6.6", "victim0", false, now).allowed()).isFalse();
    }

    @Test
    void theAccountLimitIsSoftHighAndSkippedForAKnownDevice() {
        LoginThrottle t = new LoginThrottle(new LoginThrottle.Rule(5, 15 * MIN, 15 * MIN),
                LoginThrottle.ADDRESS, new LoginThrottle.Rule(10, MIN, MIN));
        long now = 0;
        for (int i = 0; i < 11; i++) { // eleven addresses, one guess each
            assertThat(t.begin("10.0.0." + i, "alice", false, now).allowed()).isTrue();
        }
        LoginThrottle.Attempt fresh = t.begin("10.0.1.1", "alice", false, now);
        assertThat(fresh.allowed()).isFalse();
        assertThat(fresh.retryAfterMillis()).isEqualTo(1000); // spaced, not locked
        assertThat(t.begin("10.0.1.1", "alice", false, now + 1000).allowed()).isTrue();
        // The owner's browser, which logged in before, is not held back by the account-wide limit.
        assertThat(t.begin("10.0.1.2", "alice", true, now + 1000).allowed()).isTrue();
    }

    @Test
    void oldFailuresAreForgottenAsTheCountersDrain() {
        LoginThrottle t = new LoginThrottle(5);
        for (int i = 0; i < 6; i++) {
            t.begin("ip", "u", false, 0);
        }
        assertThat(t.begin("ip", "u", false, 0).allowed()).isFalse();
        // one attempt drains every 15 min: after two hours the pair has its free attempts back
        long later = 2 * 60 * MIN;
        for (int i = 0; i < 5; i++) {
            assertThat(t.begin("ip", "u", false, later).allowed()).isTrue();
        }
    }

    @Test
    void theBackOffIsCappedAndASuccessClearsThePair() {
        LoginThrottle t = new LoginThrottle(new LoginThrottle.Rule(0, 1000 * MIN, 15 * MIN), LoginThrottle.ADDRESS,
                LoginThrottle.ACCOUNT);
        long now = 0;
        for (int admitted = 0; admitted < 25; ) {
            LoginThrottle.Attempt a = t.begin("ip", "u", true, now);
            if (a.allowed()) {
                admitted++;
            } else {
                now += a.retryAfterMillis();
            }
        }
        assertThat(t.begin("ip", "u", true, now).retryAfterMillis()).isEqualTo(15 * MIN);
        LoginThrottle.Attempt ok = t.begin("ip", "u", true, now + 15 * MIN);
        ok.succeeded(now + 15 * MIN);
        assertThat(t.begin("ip", "u", true, now + 15 * MIN).allowed()).isTrue();
    }

    @Test
    void concurrentArrivalsAreCountedBeforeAnyIsEvaluated() throws Exception {
        LoginThrottle t = new LoginThrottle(5);
        AtomicInteger admitted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                all.add(pool.submit(() -> {
                    if (t.begin("ip", "u", false, 0).allowed()) {
                        admitted.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(admitted.get()).isEqualTo(6);
    }
}
