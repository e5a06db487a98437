package dev.nagare.server;

/** The server could not start; the message says why in words a user can act on. */
public final class StartupException extends RuntimeException {
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
