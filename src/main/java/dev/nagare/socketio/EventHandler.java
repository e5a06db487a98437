package dev.nagare.socketio;

import java.util.List;

/** Handles one event from a client: {@code socket.on("chat", (args, ack) -> ack.send("ok"))}. */
@FunctionalInterface
public interface EventHandler {
    void handle(List<Object> args, Ack ack);
}
