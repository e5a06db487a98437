package dev.nagare.socketio;

import io.vertx.core.Future;

/**
 * Runs before a socket joins a namespace, in the order added. Complete the future to let it in;
 * fail it (with {@link ConnectError} for a chosen message and data) to refuse it.
 */
@FunctionalInterface
public interface ConnectMiddleware {
    Future<Void> check(Socket socket);
}
