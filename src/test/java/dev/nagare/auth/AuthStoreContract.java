package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nagare.store.Store;
import dev.nagare.testing.StoreBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accounts, sessions, tokens and grants as every store backend keeps them. Subclassed once per backend. */
abstract class AuthStoreContract {
    @TempDir
    Path dir;
    Vertx vertx;
    Store store;
    Revocations revocations;
    Accounts accounts;
    Sessions sessions;
    Tokens tokens;
    final List<Revocations.Revocation> revoked = new CopyOnWriteArrayList<>();

    abstract StoreBackend backend();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        store = StoreBackend.open(vertx, backend().newStore(dir));
        revocations = new Revocations();
        revocations.listen(revoked::add);
        accounts = new Accounts(store, vertx, new PasswordHasher(1024, 1, 1), revocations);
        sessions = new Sessions(store, Duration.ofMinutes(30), Duration.ofHours(12), revocations);
        tokens = new Tokens(store, revocations);
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.await(10, TimeUnit.SECONDS);
    }

    private long epoch() throws Exception {
        return await(store.transact(AuthChanges::read));
    }

    @Test
    void namesAreFoundWhateverTheirCaseAndTakenWhateverTheirCase() throws Exception {
        Account alice = await(accounts.create("Alice", "river stone lantern", Role.USER));
        assertThat(await(accounts.find("aLICE")).orElseThrow().id()).isEqualTo(alice.id());
        assertThat(await(accounts.authenticate("alice", "river stone lantern"))).isPresent();
        assertThatThrownBy(() -> await(accounts.create("ALICE", "another fine phrase", Role.USER)))
                .isInstanceOf(AuthException.class).hasMessage("User name 'ALICE' is taken.");
        assertThat(await(accounts.count())).isEqualTo(1);
    }

    @Test
    void accountsAreListedByNameIgnoringCase() throws Exception {
        for (String name : List.of("carol", "Bob", "alice")) {
            await(accounts.create(name, "river stone lantern", Role.USER));
        }
        assertThat(await(accounts.list())).extracting(Account::username).containsExactly("alice", "Bob", "carol");
    }

    @Test
    void grantsAreKeptOnceAndRevoked() throws Exception {
        await(accounts.create("alice", "river stone lantern", Role.USER));
        await(accounts.grant("alice", "broadcast:video/*"));
        await(accounts.grant("alice", "broadcast:video/*"));
        assertThat(await(accounts.grants("alice"))).containsExactly("broadcast:video/*");
        assertThat(await(accounts.revoke("alice", "broadcast:video/*"))).isTrue();
        assertThat(await(accounts.revoke("alice", "broadcast:video/*"))).isFalse();
    }

    @Test
    void aSessionCarriesTheAccountsGrantsAndEndsOnLogoutWithTheChangeCounted() throws Exception {
        Account alice = await(accounts.create("alice", "river stone lantern", Role.USER));
        await(accounts.grant("alice", "join:audio/*"));
        Sessions.Created s = await(sessions.create(alice));
        Principal p = await(sessions.find(s.id())).orElseThrow();
        assertThat(p.username()).isEqualTo("alice");
        assertThat(await(sessions.alive(List.of(p.credential())))).containsExactly(p.credential());
        long before = epoch();
        await(sessions.destroy(s.id()));
        assertThat(await(sessions.find(s.id()))).isEmpty();
        assertThat(await(sessions.alive(List.of(p.credential())))).isEmpty();
        assertThat(epoch()).isGreaterThan(before);
        assertThat(revoked).extracting(Revocations.Revocation::credential).containsExactly(p.credential());
    }

    @Test
    void tokensWithAndWithoutExpiryAreFoundListedAndRevoked() throws Exception {
        Account alice = await(accounts.create("alice", "river stone lantern", Role.USER));
        Tokens.Created forever = await(tokens.create(alice, "ci", Set.of(), null));
        Tokens.Created scoped = await(tokens.create(alice, "cam", Set.of("broadcast:video/cam"), Duration.ofHours(1)));
        assertThat(scoped.info().id()).isGreaterThan(forever.info().id());
        assertThat(await(tokens.find(forever.secret())).orElseThrow().username()).isEqualTo("alice");
        assertThat(await(tokens.list())).extracting(Tokens.Info::name).containsExactly("ci", "cam");
        assertThat(await(tokens.list()).get(0).expiresAt()).isNull();
        long before = epoch();
        assertThat(await(tokens.revoke(forever.info().id()))).isTrue();
        assertThat(await(tokens.revoke(forever.info().id()))).isFalse();
        assertThat(await(tokens.find(forever.secret()))).isEmpty();
        assertThat(epoch()).isEqualTo(before + 1);
    }

    @Test
    void aNewPasswordEndsEverySessionAndTokenOfTheAccount() throws Exception {
        Account alice = await(accounts.create("alice", "river stone lantern", Role.USER));
        Sessions.Created s = await(sessions.create(alice));
        Tokens.Created t = await(tokens.create(alice, "ci", Set.of(), null));
        long before = epoch();
        await(accounts.setPassword("alice", "a brand new phrase"));
        assertThat(await(sessions.find(s.id()))).isEmpty();
        assertThat(await(tokens.find(t.secret()))).isEmpty();
        assertThat(epoch()).isGreaterThan(before);
        assertThat(await(accounts.authenticate("alice", "a brand new phrase"))).isPresent();
    }

    @Test
    void aDisabledAccountCannotLogInAndItsSessionsAndTokensStandForNothingUntilEnabled() throws Exception {
        Account alice = await(accounts.create("alice", "river stone lantern", Role.USER));
        Sessions.Created s = await(sessions.create(alice));
        Tokens.Created t = await(tokens.create(alice, "ci", Set.of(), null));
        String credential = await(sessions.find(s.id())).orElseThrow().credential();
        long before = epoch();
        assertThat(await(accounts.setDisabled("alice", true))).isTrue();
        assertThat(epoch()).isGreaterThan(before);
        assertThat(await(accounts.disabledNames())).containsExactly("alice");
        assertThat(await(accounts.authenticate("alice", "river stone lantern"))).isEmpty();
        assertThat(await(sessions.find(s.id()))).isEmpty();
        assertThat(await(sessions.alive(List.of(credential)))).isEmpty();
        assertThat(await(tokens.find(t.secret()))).isEmpty();

        assertThat(await(accounts.setDisabled("alice", false))).isTrue();
        assertThat(await(accounts.disabledNames())).isEmpty();
        assertThat(await(accounts.authenticate("alice", "river stone lantern"))).isPresent();
        assertThat(await(sessions.find(s.id()))).isPresent();
        assertThat(await(tokens.find(t.secret()))).isPresent();
        assertThat(await(accounts.setDisabled("nobody", true))).isFalse();
    }

    @Test
    void deletingAnAccountDeletesItsSessionsTokensAndGrants() throws Exception {
        Account alice = await(accounts.create("alice", "river stone lantern", Role.USER));
        await(accounts.grant("alice", "join:audio/*"));
        Sessions.Created s = await(sessions.create(alice));
        Tokens.Created t = await(tokens.create(alice, "ci", Set.of(), null));
        long before = epoch();
        assertThat(await(accounts.delete("alice"))).isTrue();
        assertThat(await(sessions.find(s.id()))).isEmpty();
        assertThat(await(tokens.find(t.secret()))).isEmpty();
        assertThat(await(tokens.list())).isEmpty();
        assertThat(epoch()).isGreaterThan(before);
        // The name is free again, and the new account has none of the old one's grants.
        await(accounts.create("alice", "river stone lantern", Role.USER));
        assertThat(await(accounts.grants("alice"))).isEmpty();
    }

    @Test
    void everyProcessOnTheStoreSignsStreamTokensWithTheOneKeyTheFirstCreated() throws Exception {
        Account alice = await(accounts.create("alice", "river stone lantern", Role.USER));
        // Two nodes (or a node and the command line) starting on one store: whoever inserts first wins.
        StreamTokens one = await(new StreamTokens(store).start());
        StreamTokens two = await(new StreamTokens(store).start());
        String token = await(one.mint(principal(alice), "video/cam1", Duration.ofHours(1))).token();
        Principal p = await(two.find(token)).orElseThrow();
        assertThat(p.username()).isEqualTo("alice");
        assertThat(p.may("join", "video/cam1")).isTrue();
        assertThat(p.may("join", "video/cam2")).isFalse();
        assertThat(p.may("broadcast", "video/cam1")).isFalse();
        assertThat(await(two.alive(List.of(p.credential())))).containsExactly(p.credential());
    }

    @Test
    void aNewPasswordOrADeletedAccountRevokesItsStreamTokens() throws Exception {
        Account alice = await(accounts.create("alice", "river stone lantern", Role.USER));
        Account bob = await(accounts.create("bob", "river stone lantern", Role.USER));
        StreamTokens streams = await(new StreamTokens(store).start());
        String ofAlice = await(streams.mint(principal(alice), "audio/mic", Duration.ofHours(1))).token();
        String ofBob = await(streams.mint(principal(bob), "audio/mic", Duration.ofHours(1))).token();
        String aliceLogin = await(streams.find(ofAlice)).orElseThrow().credential();
        await(accounts.setPassword("alice", "a brand new phrase"));
        await(accounts.delete("bob"));
        assertThatThrownBy(() -> await(streams.find(ofAlice))).isInstanceOf(CredentialRefused.class)
                .hasMessageContaining("its issuer's password has changed since it was made");
        assertThatThrownBy(() -> await(streams.find(ofBob))).isInstanceOf(CredentialRefused.class)
                .hasMessageContaining("its issuer's account no longer exists");
        assertThat(await(streams.alive(List.of(aliceLogin)))).isEmpty();
    }

    static Principal principal(Account a) {
        return new Principal(a.id(), a.username(), a.role(), Set.of(), null, null);
    }
}
