package dev.nagare.auth;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Who a client is from the credentials it presents, whatever carried them: a bearer token (an HTTP
 * {@code Authorization} header, the token of a Socket.IO CONNECT) or a login session's id (the
 * session cookie of a request or of a Socket.IO handshake). A token, when sent, is the only thing
 * looked at: a wrong token is not rescued by a cookie the browser happened to send along. A token of
 * {@link ExternalTokens} (a JWT) goes to them; refused, the future fails with {@link CredentialRefused}.
 */
public final class Authenticator {
    private final Sessions sessions;
    private final Tokens tokens;
    private final ExternalTokens external;

    public Authenticator(Sessions sessions, Tokens tokens) {
        this(sessions, tokens, ExternalTokens.NONE);
    }

    public Authenticator(Sessions sessions, Tokens tokens, ExternalTokens external) {
        this.sessions = sessions;
        this.tokens = tokens;
        this.external = external;
    }

    /** Either may be null; empty when neither names a live login. */
    public Future<Optional<Principal>> find(String bearerToken, String sessionId) {
        if (bearerToken != null) {
            String token = bearerToken.trim();
            return external.recognizes(token) ? external.find(token) : tokens.find(token);
        }
        if (sessionId != null) {
            return sessions.find(sessionId);
        }
        return Future.succeededFuture(Optional.empty());
    }
}
