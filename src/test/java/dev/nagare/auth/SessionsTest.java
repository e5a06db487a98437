package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.store.SqliteStore;
import dev.nagare.store.Store;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idle and absolute session timeouts, on a real store with a controlled clock. */
class SessionsTest {
    @TempDir
    Path dir;
    Vertx vertx;
    Store store;
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    Sessions sessions;
    Account alice;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        store = SqliteStore.open(vertx, dir).await(10, TimeUnit.SECONDS);
        alice = new Accounts(store, vertx, new PasswordHasher(1024, 1, 1))
                .create("alice", "river stone lantern", Role.USER).await(10, TimeUnit.SECONDS);
        sessions = new Sessions(store, Duration.ofMinutes(30), Duration.ofHours(12), now::get);
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private boolean alive(String id) throws Exception {
        return sessions.find(id).await(10, TimeUnit.SECONDS).isPresent();
    }

    @Test
    void aSessionIdleForLongerThanTheIdleTimeoutIsGone() throws Exception {
        String id = sessions.create(alice).await(10, TimeUnit.SECONDS).id();
        now.addAndGet(Duration.ofMinutes(29).toMillis());
        assertThat(alive(id)).isTrue(); // this use refreshes the idle timer
        now.addAndGet(Duration.ofMinutes(29).toMillis());
        assertThat(alive(id)).isTrue();
        now.addAndGet(Duration.ofMinutes(31).toMillis());
        assertThat(alive(id)).isFalse();
        assertThat(alive(id)).isFalse(); // and it was deleted, not just refused
    }

    @Test
    void aSessionInConstantUseStillEndsAtTheAbsoluteTimeout() throws Exception {
        String id = sessions.create(alice).await(10, TimeUnit.SECONDS).id();
        for (int i = 0; i < 35; i++) { // 35 x 20 min = 11 h 40 min of activity
            now.addAndGet(Duration.ofMinutes(20).toMillis());
            assertThat(alive(id)).isTrue();
        }
        now.addAndGet(Duration.ofMinutes(25).toMillis());
        assertThat(alive(id)).isFalse();
    }

    @Test
    void destroyFiresTheRevocationForThatSessionOnly() throws Exception {
        Revocations revocations = new Revocations();
        java.util.List<Revocations.Revocation> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        revocations.listen(heard::add);
        Sessions signalling = new Sessions(store, Duration.ofMinutes(30), Duration.ofHours(12), now::get, revocations);
        Sessions.Created one = signalling.create(alice).await(10, TimeUnit.SECONDS);
        Sessions.Created two = signalling.create(alice).await(10, TimeUnit.SECONDS);
        java.util.List<String> ended = new java.util.concurrent.CopyOnWriteArrayList<>();
        revocations.track(one.principal(), ended::add, () -> true);
        revocations.track(two.principal(), ended::add, () -> true);

        signalling.destroy(one.id(), "logged out").await(10, TimeUnit.SECONDS);

        assertThat(heard).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo("logged out");
            assertThat(r.ends(one.principal())).isTrue();
            assertThat(r.ends(two.principal())).isFalse();
        });
        assertThat(ended).containsExactly("logged out");
        signalling.destroy("unknown-session-id-0123456789", "logged out").await(10, TimeUnit.SECONDS);
        assertThat(heard).hasSize(1); // nothing to end, nothing fired
    }

    @Test
    void aliveTellsWhichSessionsStillStandUpToTheAbsoluteTimeout() throws Exception {
        Sessions.Created kept = sessions.create(alice).await(10, TimeUnit.SECONDS);
        Sessions.Created gone = sessions.create(alice).await(10, TimeUnit.SECONDS);
        sessions.destroy(gone.id()).await(10, TimeUnit.SECONDS);
        java.util.Set<String> asked = java.util.Set.of(kept.principal().credential(), gone.principal().credential(),
                "token:abc");
        assertThat(sessions.alive(asked).await(10, TimeUnit.SECONDS)).containsExactly(kept.principal().credential());
        now.addAndGet(Duration.ofHours(1).toMillis()); // idle, but an open socket is not idle
        assertThat(sessions.alive(asked).await(10, TimeUnit.SECONDS)).containsExactly(kept.principal().credential());
        now.addAndGet(Duration.ofHours(12).toMillis());
        assertThat(sessions.alive(asked).await(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void destroyEndsTheSessionAndMalformedIdsFindNothing() throws Exception {
        String id = sessions.create(alice).await(10, TimeUnit.SECONDS).id();
        sessions.destroy(id).await(10, TimeUnit.SECONDS);
        assertThat(alive(id)).isFalse();
        assertThat(alive("short")).isFalse();
        assertThat(alive("' OR 1=1 --' OR 1=1 --' OR 1=1 --")).isFalse();
    }
}
