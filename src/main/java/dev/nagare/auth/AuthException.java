package dev.nagare.auth;

/** A refusal whose message can be shown to the user as is (no internals in it). */
public final class AuthException extends RuntimeException {
    public AuthException(String message) {
        super(message, null, false, false);
    }
}
