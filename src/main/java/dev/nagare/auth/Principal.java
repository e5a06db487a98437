package dev.nagare.auth;

import java.util.Set;

/**
 * Who is making a request: an account reached through a login session (cookie) or a token.
 * {@code scopes} is null for sessions (the role decides), the token's scopes otherwise.
 * {@code csrf} is the session's CSRF token (null for token principals, which need none).
 */
public record Principal(long userId, String username, Role role, Set<String> scopes, String csrf) {

    public boolean viaCookie() {
        return csrf != null;
    }

    /** Whether this principal may do {@code action} on {@code resource}, e.g. ("publish", "feed/prices"). */
    public boolean may(String action, String resource) {
        if (scopes != null) {
            return Scopes.grants(scopes, action + ":" + resource);
        }
        return role == Role.ADMIN || role == Role.USER && !"admin".equals(action);
    }
}
