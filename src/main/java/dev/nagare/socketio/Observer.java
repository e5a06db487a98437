package dev.nagare.socketio;

import java.util.List;

/**
 * What a monitor (the Admin UI's server side) hears of the Socket.IO server: sessions opening and
 * closing, packets in and out, sockets connecting, joining and leaving rooms, events both ways.
 * Installed with {@link SocketIoServer#observe}. Every method is called on the engine's event loop
 * and must return quickly without blocking: a monitor that emits from here must bound what it emits.
 * Upstream has no such interface; its admin UI wraps the server's methods instead.
 */
public interface Observer {

    /** The default: hears nothing, costs one virtual call where the server would tell. */
    Observer NONE = new Observer() {
    };

    /** An Engine.IO session was opened (upstream's "rawConnection"). */
    default void sessionOpened(String sessionId) {
    }

    /** An Engine.IO session closed with {@code reason} ("transport close", "ping timeout"...). */
    default void sessionClosed(String sessionId, String reason) {
    }

    /** A packet carrying data arrived ({@code bytes}: its text length, or its binary length). */
    default void packetIn(int bytes) {
    }

    /** A packet carrying data went out to one session (a broadcast counts once per receiver). */
    default void packetOut(int bytes) {
    }

    /** {@code socket} connected to its namespace: after its CONNECT was sent, before the connection handlers. */
    default void connected(Socket socket) {
    }

    /** {@code socket} left its namespace; its rooms are left afterwards, each with {@link #left}. */
    default void disconnected(Socket socket, String reason) {
    }

    /** {@code socket} joined {@code room} (its own id room included). */
    default void joined(Socket socket, String room) {
    }

    /** {@code socket} left {@code room}, also on disconnect. */
    default void left(Socket socket, String room) {
    }

    /** {@code socket} sent an event ({@code eventAndArgs}: its name, then its arguments; never an ack). */
    default void received(Socket socket, List<Object> eventAndArgs) {
    }

    /** An event went to {@code socket}, emitted to it or a broadcast that reached it. */
    default void sent(Socket socket, List<Object> eventAndArgs) {
    }
}
