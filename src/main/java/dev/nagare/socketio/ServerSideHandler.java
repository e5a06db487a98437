package dev.nagare.socketio;

import java.util.List;

/** A listener for events other nodes send with serverSideEmit ({@link Namespace#onServerSideEmit}). */
@FunctionalInterface
public interface ServerSideHandler {
    void handle(List<Object> args, Ack ack);
}
