package dev.nagare.auth;

import java.util.Set;

/**
 * Who a request or socket acts as: an account reached through a login session (cookie) or a token.
 *
 * <p>Rights are {@code action:resource} strings (see {@link Scopes}). An account has its role's
 * defaults (admin: everything; user: join, and publish except on {@code sse/*}; guest: join) plus rights granted to it
 * ({@code nagare user grant}). A token may be narrowed further by its scopes: it can never do more
 * than its account. {@code csrf} is the session's CSRF token (null for tokens, which need none).
 * {@code credential} names the login this principal came through, {@code session:<sha256>} or
 * {@code token:<sha256>} (the store's key, never the secret), or {@code jwt:<deadline>:<sha256>} for a
 * JWT from the user's identity provider (see {@code auth.jwt.JwtVerifier}), so that ending that login
 * can end what was opened with it (see {@link Revocations}); null for guests.
 */
public record Principal(long userId, String username, Role role, Set<String> grants, Set<String> scopes,
        String csrf, String credential) {

    private static final Set<String> USER_ACTIONS = Set.of("join", "publish");
    /**
     * Resources users may not publish to by default: an SSE channel keeps what is published for
     * every reader (issue 15), so publishing there is granted explicitly ({@code nagare user grant}).
     */
    private static final String USER_PUBLISH_EXCLUDED = "sse/";

    public Principal {
        grants = grants == null ? Set.of() : Set.copyOf(grants);
        scopes = scopes == null ? null : Set.copyOf(scopes);
    }

    /** A principal that no login stands behind (guests, tests). */
    public Principal(long userId, String username, Role role, Set<String> grants, Set<String> scopes, String csrf) {
        this(userId, username, role, grants, scopes, csrf, null);
    }

    /**
     * The login as a socket's recovery compares it ({@code SocketIoGuard}): the credential, except for
     * JWTs, which a client refreshes at every reconnect (socket.io's {@code auth} callback): there, the
     * same user by any live JWT is the same login. An expired JWT's recovery state is dropped anyway.
     */
    public String login() {
        return credential != null && credential.startsWith("jwt:") ? "jwt-user:" + userId : credential;
    }

    public boolean viaCookie() {
        return csrf != null;
    }

    /** Whether this principal may do {@code action} on {@code resource}, e.g. ("publish", "feed/prices"). */
    public boolean may(String action, String resource) {
        String right = action + ":" + resource;
        boolean account = role == Role.ADMIN
                || role == Role.USER && USER_ACTIONS.contains(action)
                        && !("publish".equals(action) && resource.startsWith(USER_PUBLISH_EXCLUDED))
                || role == Role.GUEST && "join".equals(action)
                || Scopes.grants(grants, right);
        return account && (scopes == null || Scopes.grants(scopes, right));
    }
}
