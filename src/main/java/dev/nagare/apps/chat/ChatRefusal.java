package dev.nagare.apps.chat;

import dev.nagare.socketio.Ack;
import dev.nagare.socketio.Socket;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.nagare.web.RefusalLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chat request refused, with a stable code for programs and a sentence for people. It reaches the
 * client as the event's ack {@code {"error": code, "message": ...}}, or as a {@code nagare:error}
 * event when the client asked for no ack; either way a log line records it.
 */
public final class ChatRefusal extends RuntimeException {
    private static final Logger LOG = LoggerFactory.getLogger(ChatRefusal.class);
    private static final RefusalLog REFUSED = new RefusalLog(LOG);

    private final String code;

    public ChatRefusal(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** Answers the client with {@code failure} (a refusal, or any other error as "unavailable"). */
    static void answer(Socket socket, String user, String event, Ack ack, Throwable failure) {
        ChatRefusal r = failure instanceof ChatRefusal cr ? cr
                : new ChatRefusal("unavailable", "The server could not do that just now; try again.");
        if (r != failure) {
            LOG.warn("chat {} from {} failed", event, user, failure);
        } else {
            REFUSED.info("chat-" + r.code, "chat {} from {} ({}) refused: {} ({})", event, user, socket.handshake().remoteAddress(), r.code,
                    r.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", r.code);
        body.put("message", r.getMessage());
        if (ack.requested()) {
            ack.send(body);
        } else {
            body.put("event", event);
            socket.emit("nagare:error", body);
        }
    }
}
