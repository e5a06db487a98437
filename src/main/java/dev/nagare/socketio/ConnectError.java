package dev.nagare.socketio;

/**
 * Fail a connect middleware with this to refuse the connection: the client receives CONNECT_ERROR
 * {@code {"message": message, "data": data}} (data omitted when null).
 */
public final class ConnectError extends RuntimeException {
    private final transient Object data;

    public ConnectError(String message) {
        this(message, null);
    }

    public ConnectError(String message, Object data) {
        super(message, null, false, false);
        this.data = data;
    }

    public Object data() {
        return data;
    }
}
