package dev.nagare.socketio;

import io.vertx.core.Future;
import java.util.List;

/**
 * Runs for every event a socket receives, before its handler: {@code eventAndArgs.get(0)} is the
 * event name. A failed future drops the event and emits {@code "error"} to the socket's error
 * handlers (server side), as {@code socket.use} does upstream.
 */
@FunctionalInterface
public interface PacketMiddleware {
    Future<Void> check(Socket socket, List<Object> eventAndArgs);
}
