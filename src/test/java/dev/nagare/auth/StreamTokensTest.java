package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nagare.store.Store;
import dev.nagare.testing.StoreBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream URL token's form: what a holder can read, and every way a changed or stale one is refused. */
class StreamTokensTest {
    @TempDir
    Path dir;
    Vertx vertx;
    Store store;
    StreamTokens streams;
    Principal alice;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        store = StoreBackend.open(vertx, StoreBackend.SQLITE.newStore(dir.resolve("a")));
        Account a = await(new Accounts(store, vertx, new PasswordHasher(1024, 1, 1)).create("alice", "river stone lantern", Role.USER));
        alice = new Principal(a.id(), "alice", Role.USER, Set.of(), null, null);
        streams = await(new StreamTokens(store).start());
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.await(10, TimeUnit.SECONDS);
    }

    @Test
    void theTokenCarriesItsStreamExpiryAndIssuerSigned() throws Exception {
        StreamTokens.Minted m = await(streams.mint(alice, "video/cam1", Duration.ofMinutes(5)));
        assertThat(m.token()).startsWith("nst_").matches("nst_[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}");
        String payload = new String(Base64.getUrlDecoder().decode(m.token().substring(4, m.token().indexOf('.'))),
                StandardCharsets.UTF_8);
        // "v1 KIND/NAME EXPIRY-SECONDS USER-ID FINGERPRINT"
        assertThat(payload).matches("v1 video/cam1 " + m.expiresAtMillis() / 1000 + " " + alice.userId() + " [A-Za-z0-9_-]{12}");
        StreamTokens.Claims c = streams.verify(m.token(), System.currentTimeMillis());
        assertThat(c.stream()).isEqualTo("video/cam1");
        assertThat(c.expiresMillis()).isEqualTo(m.expiresAtMillis());
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        StreamTokens.Minted m = await(streams.mint(alice, "video/cam1", Duration.ofSeconds(60)));
        assertThatThrownBy(() -> streams.verify(m.token(), m.expiresAtMillis()))
                .isInstanceOf(CredentialRefused.class).hasMessage("the stream token expired");
    }

    @Test
    void aStreamOpenedWithATokenStandsUntilItsDeadline() throws Exception {
        String credential = await(streams.find(await(streams.mint(alice, "video/cam1", Duration.ofHours(1))).token()))
                .orElseThrow().credential();
        assertThat(credential).matches("stream:\\d+:" + alice.userId() + ":[A-Za-z0-9_-]{12}:[0-9a-f]{64}");
        // The same login with its deadline passed: what RevocationCheck's sweep sees once the token has expired.
        String[] f = credential.split(":");
        String expired = String.join(":", f[0], Long.toString(System.currentTimeMillis() - 1), f[2], f[3], f[4]);
        assertThat(await(streams.alive(java.util.List.of(credential, expired, "token:abc")))).containsExactly(credential);
    }

    @Test
    void aTokenWithAnotherStreamWrittenInIsRefused() throws Exception {
        String token = await(streams.mint(alice, "video/cam1", Duration.ofHours(1))).token();
        String payload = new String(Base64.getUrlDecoder().decode(token.substring(4, token.indexOf('.'))), StandardCharsets.UTF_8);
        String forged = "nst_" + Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("video/cam1", "video/cam2").getBytes(StandardCharsets.UTF_8)) + token.substring(token.indexOf('.'));
        assertThatThrownBy(() -> streams.verify(forged, System.currentTimeMillis()))
                .isInstanceOf(CredentialRefused.class).hasMessage("bad signature (altered, or signed by another server)");
    }

    @Test
    void anotherServersTokenIsRefused() throws Exception {
        Store other = StoreBackend.open(vertx, StoreBackend.SQLITE.newStore(dir.resolve("b")));
        try {
            Account a = await(new Accounts(other, vertx, new PasswordHasher(1024, 1, 1)).create("alice", "river stone lantern", Role.USER));
            StreamTokens elsewhere = await(new StreamTokens(other).start());
            String token = await(elsewhere.mint(new Principal(a.id(), "alice", Role.USER, Set.of(), null, null),
                    "video/cam1", Duration.ofHours(1))).token();
            assertThatThrownBy(() -> streams.verify(token, System.currentTimeMillis()))
                    .isInstanceOf(CredentialRefused.class).hasMessageContaining("bad signature");
        } finally {
            other.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void malformedTokensAreRefusedWithoutAStoreLookup() {
        for (String bad : new String[] {"ngr_abc", "nst_", "nst_abc", "nst_!!.??", "nst_" + "a".repeat(500) + ".b"}) {
            assertThatThrownBy(() -> streams.verify(bad, System.currentTimeMillis())).as(bad).isInstanceOf(CredentialRefused.class);
        }
    }

    @Test
    void onlyAnAccountThatMayWatchTheStreamGetsATokenForIt() {
        Principal narrowed = new Principal(alice.userId(), "alice", Role.USER, Set.of(), Set.of("join:video/cam1"), null);
        assertThatThrownBy(() -> await(streams.mint(narrowed, "video/cam2", Duration.ofHours(1))))
                .hasMessageContaining("lacks the right join:video/cam2");
        assertThatThrownBy(() -> await(streams.mint(alice, "chat/general", Duration.ofHours(1))))
                .hasMessageContaining("A stream is video/NAME or audio/NAME");
        assertThatThrownBy(() -> await(streams.mint(alice, "video/cam1", Duration.ofDays(400))))
                .hasMessageContaining("from 1 s to 366 days");
        Principal jwt = new Principal(-5, "jwt:bob", Role.USER, Set.of(), null, null);
        assertThatThrownBy(() -> await(streams.mint(jwt, "video/cam1", Duration.ofHours(1))))
                .hasMessageContaining("local accounts only");
    }
}
