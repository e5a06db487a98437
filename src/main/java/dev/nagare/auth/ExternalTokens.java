package dev.nagare.auth;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Bearer tokens issued by someone else, looked up by the same {@link Authenticator} as Nagare's own
 * tokens and sessions, so that every guard (HTTP, SSE, media, Socket.IO, the emit API) accepts them
 * with no code of its own: JWTs from the user's identity provider ({@code auth.jwt.JwtLogins}).
 */
public interface ExternalTokens {
    /** None: only Nagare's own tokens. */
    ExternalTokens NONE = new ExternalTokens() {
        @Override
        public boolean recognizes(String token) {
            return false;
        }

        @Override
        public Future<Optional<Principal>> find(String token) {
            return Future.succeededFuture(Optional.empty());
        }

        @Override
        public boolean issued(String credential) {
            return false;
        }

        @Override
        public boolean alive(String credential, long nowMillis) {
            return false;
        }
    };

    /** Whether {@code token} is of this kind: then only {@link #find} looks at it. */
    boolean recognizes(String token);

    /** The principal {@code token} stands for; failed with {@link CredentialRefused} (and its reason) when refused. */
    Future<Optional<Principal>> find(String token);

    /** Whether {@code credential} ({@link Principal#credential()}) is one of the logins {@link #find} made. */
    boolean issued(String credential);

    /** Whether that login still stands at {@code nowMillis} (see {@link RevocationCheck}). */
    boolean alive(String credential, long nowMillis);
}
