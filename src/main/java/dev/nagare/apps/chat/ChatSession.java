package dev.nagare.apps.chat;

import dev.nagare.auth.Principal;
import dev.nagare.socketio.Socket;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One chat socket's state, kept in {@code socket.data()} so that connection state recovery brings it
 * back with the socket. Event-loop only.
 */
final class ChatSession {
    static final String KEY = "chat";

    /** An event's work: returns the ack body (ok is added), or null for none; throws or fails to refuse. */
    @FunctionalInterface
    interface Action {
        Future<Map<String, Object>> run(Map<String, Object> args);
    }

    final Principal principal;
    /** Rooms this socket is in, besides its own id room. Not cleared on disconnect: recovery restores it. */
    final Set<String> rooms = new LinkedHashSet<>();
    long lastTypingNanos;
    /** A message was sent since the last typing notice: the next one goes out at once (event-loop only). */
    boolean typingEnded;
    private Socket socket;

    ChatSession(Principal principal) {
        this.principal = principal;
    }

    String user() {
        return principal.username();
    }

    Socket socket() {
        return socket;
    }

    /** This socket's session, made on first connection or recovered with it. */
    static ChatSession of(Socket socket, Principal principal) {
        ChatSession cs = socket.data().get(KEY) instanceof ChatSession existing ? existing : new ChatSession(principal);
        cs.socket = socket;
        socket.data().put(KEY, cs);
        return cs;
    }

    /** Registers {@code action} for {@code event}, answering with its result or its refusal. */
    void on(String event, Action action) {
        socket.on(event, (args, ack) -> {
            Future<Map<String, Object>> result;
            try {
                result = action.run(ChatInput.object(args));
            } catch (RuntimeException e) {
                result = Future.failedFuture(e);
            }
            result.onComplete(ar -> {
                if (ar.failed()) {
                    ChatRefusal.answer(socket, user(), event, ack, ar.cause());
                } else if (ar.result() != null && ack.requested()) {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("ok", true);
                    body.putAll(ar.result());
                    ack.send(body);
                }
            });
        });
    }
}
