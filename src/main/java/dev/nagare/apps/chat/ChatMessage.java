package dev.nagare.apps.chat;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stored chat message. {@code id} is the server's (increasing per store); {@code clientId} is
 * the one the sending client made up, so that a retry finds the first copy instead of adding one.
 */
public record ChatMessage(long id, String room, long userId, String user, String clientId, String text,
        long ts, Long editedAt, boolean deleted) {

    /** The JSON form clients receive. A deleted message keeps its place in history but not its text. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("room", room);
        m.put("user", user);
        m.put("text", deleted ? "" : text);
        m.put("ts", ts);
        m.put("clientId", clientId);
        if (editedAt != null) {
            m.put("editedAt", editedAt);
        }
        if (deleted) {
            m.put("deleted", true);
        }
        return m;
    }
}
