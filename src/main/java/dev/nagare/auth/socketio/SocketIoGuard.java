package dev.nagare.auth.socketio;

import dev.nagare.auth.Access;
import dev.nagare.auth.AuthException;
import dev.nagare.auth.Authenticator;
import dev.nagare.auth.CredentialRefused;
import dev.nagare.auth.Principal;
import dev.nagare.auth.Role;
import dev.nagare.auth.Sessions;
import dev.nagare.hooks.ProxyHooks;
import dev.nagare.socketio.ConnectError;
import dev.nagare.socketio.ConnectMiddleware;
import dev.nagare.socketio.PacketMiddleware;
import dev.nagare.socketio.Socket;
import dev.nagare.web.RefusalLog;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO guard handed to the namespaces: {@link #connect()} admits a socket as a
 * {@link Principal} (kept in {@code socket.data()}, so that recovery restores it), then
 * {@link #requireRight} and {@link #requireOnEvent} check its rights at connect and on each event.
 * Ending a login disconnects its sockets: see {@link SocketRevoker}. With a connect proxy
 * ({@code --proxy-connect-url}), its backend has the last word on every connect, recoveries included.
 */
public final class SocketIoGuard {
    private static final Logger LOG = LoggerFactory.getLogger(SocketIoGuard.class);
    /** The key of the login's user name in {@code socket.data()}, shown by fetchSockets. */
    public static final String USERNAME = "username";

    /** Refused tokens: one line a second at most, the rest counted (a client retrying a stale token floods). */
    // Per guard, so per server: one server's refusals never hide another's first line (tests run many in one JVM).
    private final RefusalLog refusals = new RefusalLog(LOG);
    /** The key of the principal in {@code socket.data()}. */
    public static final String PRINCIPAL = "principal";
    /** Socket data key of the login's fingerprint ({@link #fingerprint}); "nagare." keys stay off fetchSockets. */
    public static final String LOGIN = "nagare.login";

    private final Authenticator authenticator;
    private final boolean guests;
    private final ProxyHooks hooks;

    /** {@code guests}: whether a client without a login is admitted as a guest rather than refused. */
    public SocketIoGuard(Authenticator authenticator, boolean guests) {
        this(authenticator, guests, ProxyHooks.NONE);
    }

    /** {@code hooks}: the connect proxy asked about every connect once its principal is known. */
    public SocketIoGuard(Authenticator authenticator, boolean guests, ProxyHooks hooks) {
        this.authenticator = authenticator;
        this.guests = guests;
        this.hooks = hooks;
    }

    /** The principal a Socket.IO connection was admitted as (see {@link #connect()}), or null. */
    public static Principal principal(Socket socket) {
        return socket.data().get(PRINCIPAL) instanceof Principal p ? p : null;
    }

    /**
     * Connect middleware: the token in the CONNECT auth payload ({@code io({auth: {token}})}) or the
     * session cookie of the handshake. Refuses with CONNECT_ERROR "unauthorized" otherwise (unless
     * guests are allowed), and with "token refused" {@code {code, reason}} a JWT that was presented
     * but failed its checks (never admitted as a guest instead).
     *
     * <p>It also runs when a dropped socket recovers its state: the recovery is refused with
     * "session ended" unless the login it presents now is the very one it was admitted with, still
     * live (a logout, password change, deletion or revoked token while it was away ends it).
     */
    public ConnectMiddleware connect() {
        return socket -> {
            Principal before = principal(socket); // restored with the socket's data when it recovers here
            // Restored on another node: the principal stayed on the node that died; its fingerprint came along.
            Object beforeLogin = socket.data().get(LOGIN);
            Object token = socket.auth().get("token");
            return authenticator.find(token instanceof String t ? t : null,
                            cookieFromHeader(socket.handshake().header("cookie"), Sessions.COOKIE))
                    .compose(p -> {
                        Principal now = p.orElse(null);
                        if (now == null && guests) {
                            now = new Principal(0, "guest-" + socket.id().substring(0, 6), Role.GUEST, null, null, null);
                        }
                        boolean same = before != null ? sameLogin(before, now)
                                : now != null && fingerprint(now).equals(beforeLogin);
                        if (socket.recovered() && !same) {
                            LOG.info("Recovery of a socket of '{}' refused: its login has ended",
                                    before == null ? "?" : before.username());
                            return Future.failedFuture(new ConnectError("session ended", Map.of("code",
                                    "SESSION_ENDED", "hint", "log in again, then connect anew")));
                        }
                        if (now != null) {
                            Principal admitted = now;
                            return hooks.connect(now.username(), socket.namespace().name(), socket.handshake().remoteAddress())
                                    .compose(verdict -> {
                                        if (!verdict.allowed()) {
                                            refusals.info("hook", "Connect of '{}' to {} refused by the connect proxy: {}",
                                                    admitted.username(), socket.namespace().name(), verdict.reason());
                                            return Future.failedFuture(new ConnectError("refused", Map.of("code", "REFUSED",
                                                    "reason", verdict.reason())));
                                        }
                                        socket.data().put(PRINCIPAL, admitted);
                                        socket.data().put(LOGIN, fingerprint(admitted));
                                        // Plain, so that fetchSockets (the admin console, /api/v1/sockets/fetch) shows whose socket it is.
                                        socket.data().put(USERNAME, admitted.username());
                                        return Future.<Void>succeededFuture();
                                    });
                        }
                        return Future.failedFuture(new ConnectError("unauthorized", Map.of("code", "UNAUTHORIZED",
                                "hint", "log in first, or connect with io(url, {auth: {token}})")));
                    }, e -> {
                        if (e instanceof CredentialRefused refused) {
                            refusals.info("token", "Socket.IO token refused on {} from {}: {}", socket.namespace().name(),
                                    socket.handshake().remoteAddress(), refused.getMessage());
                            return Future.failedFuture(new ConnectError("token refused", Map.of("code", "TOKEN_REFUSED",
                                    "reason", refused.getMessage(), "hint", "connect again with a fresh token")));
                        }
                        return Future.failedFuture(e);
                    });
        };
    }

    /** Connect middleware (after {@link #connect()}): the principal must have {@code action:resource}. */
    public static ConnectMiddleware requireRight(String action, String resource) {
        return socket -> {
            if (Access.permits(principal(socket), action, resource)) {
                return Future.succeededFuture();
            }
            return Future.failedFuture(new ConnectError("forbidden", Map.of("code", "FORBIDDEN",
                    "right", Access.right(action, resource))));
        };
    }

    /**
     * Packet middleware checked on every {@code event}: the principal must have
     * {@code action:resourceOf(args)}. A refused event is dropped, and the client is told with an
     * ack {@code {"error":"forbidden",...}} when it asked for one, else a {@code nagare:error} event.
     */
    public static PacketMiddleware requireOnEvent(String event, String action, Function<List<Object>, String> resourceOf) {
        return (socket, packet) -> {
            if (!event.equals(packet.get(0))) {
                return Future.succeededFuture();
            }
            String resource;
            try {
                resource = resourceOf.apply(packet.subList(1, packet.size()));
            } catch (RuntimeException e) {
                resource = null;
            }
            if (resource != null && Access.permits(principal(socket), action, resource)) {
                return Future.succeededFuture();
            }
            String right = Access.right(action, resource == null ? "?" : resource);
            socket.emit("nagare:error", Map.of("event", event, "error", "forbidden",
                    "message", "Not allowed: " + right));
            return Future.failedFuture(new AuthException("forbidden: " + right));
        };
    }

    /**
     * A one-way token of the login a socket was admitted with (user and credential): plain text, so
     * it travels with the socket's recovery state to other nodes, where the credential must not go.
     */
    static String fingerprint(Principal p) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(
                    ("nagare-login\n" + p.userId() + "\n" + p.login()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(hash, 18));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static boolean sameLogin(Principal before, Principal now) {
        return before != null && now != null && before.userId() == now.userId()
                && Objects.equals(before.login(), now.login());
    }

    static String cookieFromHeader(String header, String name) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        return null;
    }
}
