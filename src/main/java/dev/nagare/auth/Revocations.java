package dev.nagare.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signal that a login ended: a session logged out (or replaced by the next login), a password
 * changed, an account deleted, a token revoked or expired. Ending an account's session, password or
 * token ends its live access too: every listener (the Socket.IO sockets and their recovery state,
 * see {@code auth.socketio.SocketRevoker}) and every tracked stream (SSE, MJPEG, audio: see
 * {@code auth.http.HttpGuard#endWithLogin}) that was opened with that login is ended at once, with a reason.
 *
 * <p>In this process the signal is immediate: {@link Sessions}, {@link Tokens} and {@link Accounts}
 * fire it right after the store has forgotten the login. The command line ({@code nagare user
 * passwd|delete}, {@code nagare token revoke}) runs as another process on the same store: there
 * {@link RevocationCheck} notices the change and fires the signal for what it ended.
 *
 * <p>Transport-neutral (principals and closers, nothing of HTTP or Socket.IO) and thread-safe.
 */
public final class Revocations {
    private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);

    /**
     * What ended: one login ({@code credential}, see {@link Principal#credential()}), or every login
     * of account {@code userId} ({@code credential} null).
     */
    public record Revocation(long userId, String credential, String reason) {
        public static Revocation ofCredential(long userId, String credential, String reason) {
            return new Revocation(userId, credential, reason);
        }

        public static Revocation ofAccount(long userId, String reason) {
            return new Revocation(userId, null, reason);
        }

        /** Whether {@code p} acts through the login that ended (guests never do). */
        public boolean ends(Principal p) {
            if (p == null) {
                return false;
            }
            if (credential != null) {
                return credential.equals(p.credential());
            }
            return userId > 0 && p.userId() == userId;
        }
    }

    /** A tracked stream; {@link #cancel()} when it ends by itself (optional: closed ones are purged). */
    public interface Handle {
        void cancel();
    }

    /** One tracked stream; identity equality (two streams of one login are two entries). */
    private static final class Tracked {
        final Principal principal;
        final Consumer<String> end;
        final BooleanSupplier open;
        final Context context;

        Tracked(Principal principal, Consumer<String> end, BooleanSupplier open, Context context) {
            this.principal = principal;
            this.end = end;
            this.open = open;
            this.context = context;
        }
    }

    private final List<Consumer<Revocation>> listeners = new CopyOnWriteArrayList<>();
    private final List<Supplier<Future<? extends Collection<Principal>>>> sources = new CopyOnWriteArrayList<>();
    private final Set<Tracked> tracked = ConcurrentHashMap.newKeySet();

    /** {@code listener} hears every revocation, on the thread that fires it. */
    public void listen(Consumer<Revocation> listener) {
        listeners.add(listener);
    }

    /**
     * Adds the principals of live connections that are not tracked one by one (the Socket.IO
     * sockets), so that {@link RevocationCheck} re-validates them too.
     */
    public void liveSource(Supplier<Future<? extends Collection<Principal>>> source) {
        sources.add(source);
    }

    /**
     * Ends {@code end} (called once, with the reason, on the context that registered it) when the
     * login of {@code principal} ends. {@code open} tells whether the stream is still there, so that
     * finished ones are forgotten without a call to {@link Handle#cancel()}. Nothing happens for a
     * guest (no principal, or no login behind it).
     */
    public Handle track(Principal principal, Consumer<String> end, BooleanSupplier open) {
        if (principal == null || principal.credential() == null) {
            return () -> { };
        }
        Tracked t = new Tracked(principal, end, open, Vertx.currentContext());
        tracked.add(t);
        return () -> tracked.remove(t);
    }

    /** Fires {@code r}: tracked streams of that login end, listeners hear it. */
    public void revoke(Revocation r) {
        int ended = 0;
        for (Tracked t : tracked) {
            if (r.ends(t.principal) && tracked.remove(t)) {
                ended++;
                Runnable close = () -> {
                    try {
                        t.end.accept(r.reason());
                    } catch (RuntimeException e) {
                        LOG.warn("Could not end a stream of '{}': {}", t.principal.username(), e.toString());
                    }
                };
                if (t.context != null) {
                    t.context.runOnContext(v -> close.run());
                } else {
                    close.run();
                }
            }
        }
        if (ended > 0) {
            LOG.info("Ended {} stream(s) of user {} ({})", ended, r.userId(), r.reason());
        }
        for (Consumer<Revocation> l : listeners) {
            try {
                l.accept(r);
            } catch (RuntimeException e) {
                LOG.error("Revocation listener failed", e);
            }
        }
    }

    /** The principals behind every live stream and socket (closed streams are forgotten here). */
    public Future<List<Principal>> live() {
        List<Principal> out = new ArrayList<>();
        tracked.removeIf(t -> !t.open.getAsBoolean());
        for (Tracked t : tracked) {
            out.add(t.principal);
        }
        List<Future<? extends Collection<Principal>>> parts = new ArrayList<>();
        for (Supplier<Future<? extends Collection<Principal>>> s : sources) {
            parts.add(s.get());
        }
        return Future.join(parts).map(cf -> {
            for (Future<? extends Collection<Principal>> f : parts) {
                if (f.succeeded()) {
                    out.addAll(f.result());
                }
            }
            return out;
        }).otherwise(out);
    }

    /** How many streams are tracked now (closed ones included until the next {@link #live()}). */
    public int trackedCount() {
        return tracked.size();
    }
}
