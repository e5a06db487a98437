package dev.nagare.socketio;

/**
 * The client's acknowledgement callback for one event. {@link #requested()} says whether the
 * client asked for one; {@link #send} does nothing when it did not, and only the first call counts.
 */
public interface Ack {
    boolean requested();

    void send(Object... args);
}
