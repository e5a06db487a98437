package dev.nagare.auth;

import dev.nagare.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-validates the logins behind live sockets and streams against the store, for what this process
 * did not do itself: the command line ({@code nagare user passwd|delete}, {@code nagare token
 * revoke}) runs as another process on the same SQLite file, and sessions and tokens reach their
 * absolute timeout or expiry while a socket is open.
 *
 * <p>How quickly live access ends then: every {@value #CHECK_EVERY_MS} ms this reads the store's
 * counter of login-ending changes ({@link AuthChanges}, bumped in the same transaction as a new
 * password, a deleted account, a logout or a revoked token, by any process or node); when it moved,
 * and in any case every {@value #SWEEP_EVERY_MS} ms, it looks up the logins of every live socket and
 * stream ({@link Revocations#live()}, one query per 500) and fires {@link Revocations} for each one
 * that no longer stands. So a {@code nagare user passwd} ends the account's sockets and streams within
 * about a second (plus the query), an expiry within 15 s. Requests and new connections are never
 * affected by this delay: each one is checked against the store when it comes. A login by JWT
 * ({@link ExternalTokens}) has no row: it stands until the deadline its credential carries (its own
 * timer ends it then; the sweep only catches one that timer missed). A stream opened with a stream URL
 * token ({@link StreamTokens}) stands until its deadline while its issuer keeps its password: the sweep
 * ends it within {@value #SWEEP_EVERY_MS} ms of its expiry.
 */
public final class RevocationCheck {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationCheck.class);
    public static final long CHECK_EVERY_MS = 1000;
    public static final long SWEEP_EVERY_MS = 15_000;

    private final Vertx vertx;
    private final Store store;
    private final Sessions sessions;
    private final Tokens tokens;
    private final Revocations revocations;
    private final ExternalTokens external;
    private final StreamTokens streamTokens;
    private long timer = -1;
    private long epoch = Long.MIN_VALUE;
    private long lastSweep;
    private boolean running;

    public RevocationCheck(Vertx vertx, Store store, Sessions sessions, Tokens tokens, Revocations revocations) {
        this(vertx, store, sessions, tokens, revocations, ExternalTokens.NONE);
    }

    /** {@code external}: logins by tokens issued elsewhere (JWTs), which stand until their deadline. */
    public RevocationCheck(Vertx vertx, Store store, Sessions sessions, Tokens tokens, Revocations revocations,
            ExternalTokens external) {
        this(vertx, store, sessions, tokens, revocations, external, null);
    }

    /**
     * {@code streamTokens}: logins by stream URL tokens, which stand until their expiry while their
     * issuer keeps the password it had (null: none).
     */
    public RevocationCheck(Vertx vertx, Store store, Sessions sessions, Tokens tokens, Revocations revocations,
            ExternalTokens external, StreamTokens streamTokens) {
        this.external = external;
        this.streamTokens = streamTokens;
        this.vertx = vertx;
        this.store = store;
        this.sessions = sessions;
        this.tokens = tokens;
        this.revocations = revocations;
    }

    /** Starts the periodic check on the caller's context. */
    public synchronized RevocationCheck start() {
        lastSweep = System.currentTimeMillis();
        // The baseline now, before the server listens (the store runs its work in order): a change
        // made by another process before the first tick must count as a change, not as the baseline.
        changedElsewhere();
        timer = vertx.setPeriodic(CHECK_EVERY_MS, id -> tick());
        return this;
    }

    /** Stops it (before the store closes). */
    public synchronized Future<Void> stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        return Future.succeededFuture();
    }

    private void tick() {
        if (running) {
            return;
        }
        running = true;
        changedElsewhere().compose(changed -> {
            long now = System.currentTimeMillis();
            if (!changed && now - lastSweep < SWEEP_EVERY_MS) {
                return Future.succeededFuture(0);
            }
            lastSweep = now;
            return sweep();
        }).onComplete(ar -> {
            running = false;
            if (ar.failed()) {
                LOG.debug("Revocation check failed: {}", ar.cause().toString());
            }
        });
    }

    /** Whether a login-ending change was committed (by anyone) since the last call. */
    private Future<Boolean> changedElsewhere() {
        return store.transact(AuthChanges::read).map(v -> {
            boolean changed = epoch != Long.MIN_VALUE && v != epoch;
            epoch = v;
            return changed;
        });
    }

    /** Checks every live login now; completes with how many were found ended (and revoked). */
    public Future<Integer> sweep() {
        return revocations.live().compose(live -> {
            Map<String, Principal> byCredential = new HashMap<>();
            for (Principal p : live) {
                if (p.credential() != null) {
                    byCredential.putIfAbsent(p.credential(), p);
                }
            }
            if (byCredential.isEmpty()) {
                return Future.succeededFuture(0);
            }
            long now = System.currentTimeMillis();
            Future<Set<String>> liveSessions = sessions.alive(byCredential.keySet());
            Future<Set<String>> liveTokens = tokens.alive(byCredential.keySet());
            Future<Set<String>> liveStreamTokens = streamTokens == null ? Future.succeededFuture(Set.of())
                    : streamTokens.alive(byCredential.keySet());
            return Future.all(liveSessions, liveTokens, liveStreamTokens).map(all -> {
                List<Principal> ended = byCredential.values().stream()
                        .filter(p -> external.issued(p.credential()) ? !external.alive(p.credential(), now)
                                : StreamTokens.issued(p.credential()) ? !liveStreamTokens.result().contains(p.credential())
                                : !liveSessions.result().contains(p.credential())
                                        && !liveTokens.result().contains(p.credential()))
                        .toList();
                for (Principal p : ended) {
                    String reason = external.issued(p.credential()) ? "token expired"
                            : StreamTokens.issued(p.credential()) ? "stream token expired, or its issuer's password changed"
                            : p.credential().startsWith(Tokens.CREDENTIAL_PREFIX) ? "token revoked or expired"
                            : "session ended";
                    LOG.info("The login of '{}' behind live connections has ended ({}); ending them", p.username(), reason);
                    revocations.revoke(Revocations.Revocation.ofCredential(p.userId(), p.credential(), reason));
                }
                return ended.size();
            });
        });
    }
}
