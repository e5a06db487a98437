package dev.nagare.wire;

/** Input that does not follow the wire format; the message says what was wrong, for logs and close reasons. */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
