package dev.nagare.auth;

/**
 * Who may do what, the same for every transport: a request, a socket or a stream asks with its
 * principal (null when nobody logged in) for the right {@code action:resource} (see {@link Scopes}).
 * The guards turn the answer into their transport's refusal: HTTP 401 or 403, a Socket.IO
 * CONNECT_ERROR or {@code nagare:error}.
 */
public enum Access {
    GRANTED,
    /** Nobody logged in: logging in might help. */
    NO_LOGIN,
    /** Logged in, without the right. */
    DENIED;

    public static Access check(Principal p, String action, String resource) {
        if (p == null) {
            return NO_LOGIN;
        }
        return p.may(action, resource) ? GRANTED : DENIED;
    }

    public static boolean permits(Principal p, String action, String resource) {
        return check(p, action, resource) == GRANTED;
    }

    /** The right as grants and scopes spell it: {@code action:resource}. */
    public static String right(String action, String resource) {
        return action + ":" + resource;
    }
}
