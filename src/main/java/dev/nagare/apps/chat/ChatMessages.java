package dev.nagare.apps.chat;

import dev.nagare.hooks.ProxyHooks;
import dev.nagare.socketio.Namespace;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages and history of the {@code /chat} namespace.
 *
 * <p>Client events: {@code send {room, text, clientId}} → {@code {message, duplicate}}, stored before
 * the ack, and {@code duplicate} when that clientId was already stored (a retry);
 * {@code edit {id, text}} and {@code delete {id}}; {@code history {room, before? | after?, limit?}} →
 * {@code {messages, more}}. Server events to the room: {@code message}, {@code edited},
 * {@code deleted}, each carrying the message.
 */
final class ChatMessages {
    static final int MAX_PAGE = 200;

    private final Namespace ns;
    private final ChatLog log;
    private final ChatConfig config;
    private final UserRates rates;
    private final ProxyHooks hooks;

    ChatMessages(Namespace ns, ChatLog log, ChatConfig config, UserRates rates, ProxyHooks hooks) {
        this.hooks = hooks;
        this.ns = ns;
        this.log = log;
        this.config = config;
        this.rates = rates;
    }

    void register(ChatSession cs) {
        cs.on("send", args -> send(cs, args));
        cs.on("edit", args -> edit(cs, args));
        cs.on("delete", args -> delete(cs, args));
        cs.on("history", args -> {
            String room = ChatInput.room(args.get("room"));
            if (!cs.principal.may("join", "chat/" + room)) {
                throw new ChatRefusal("forbidden", "Not allowed: reading '" + room + "' needs the right join:chat/"
                        + room + ".");
            }
            member(cs, room);
            long before = ChatInput.optionalId(args.get("before"), "before");
            long after = forwardFrom(args);
            if (before > 0 && after >= 0) {
                throw new ChatRefusal("invalid", "Give either before or after, not both.");
            }
            return page(room, before, after, ChatInput.limit(args.get("limit"), config.historySize(), MAX_PAGE));
        });
    }

    /** The {@code after} id of a request (0: from the first message), or -1 when it has none. */
    static long forwardFrom(Map<String, Object> args) {
        return args.get("after") == null ? -1 : ChatInput.optionalId(args.get("after"), "after");
    }

    /**
     * {@code {messages, more}}, oldest first: the messages after {@code after} when it is 0 or more,
     * else the newest ones before {@code before} (0: the newest of all).
     */
    Future<Map<String, Object>> page(String room, long before, long after, int limit) {
        boolean forward = after >= 0;
        Future<List<ChatMessage>> found = forward ? log.after(room, after, limit + 1) : log.before(room, before, limit + 1);
        return found.map(list -> {
            boolean more = list.size() > limit;
            List<ChatMessage> shown = !more ? list : forward ? list.subList(0, limit) : list.subList(1, list.size());
            List<Map<String, Object>> json = new ArrayList<>(shown.size());
            for (ChatMessage m : shown) {
                json.add(m.toJson());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("messages", json);
            out.put("more", more);
            return out;
        });
    }

    private Future<Map<String, Object>> send(ChatSession cs, Map<String, Object> args) {
        String room = member(cs, args.get("room"));
        if (!cs.principal.may("publish", "chat/" + room)) {
            throw new ChatRefusal("forbidden", "Not allowed: posting in '" + room + "' needs the right publish:chat/"
                    + room + ".");
        }
        rates.take(cs.user());
        String sent = ChatInput.text(args.get("text"), config.maxLength());
        String clientId = ChatInput.clientId(args.get("clientId"));
        return checked(cs, room, sent).compose(text ->
                log.append(room, cs.principal.userId(), cs.user(), clientId, text, System.currentTimeMillis())
        ).map(appended -> {
            Map<String, Object> json = appended.message().toJson();
            if (!appended.duplicate()) {
                ns.to(room).emit("message", json);
                cs.typingEnded = true; // receivers clear the author's typing line on this message
            }
            return Map.of("message", json, "duplicate", appended.duplicate());
        });
    }

    /**
     * The text to store: the publish proxy's ({@code --proxy-publish-url}) rewrite of {@code text}, or
     * {@code text} itself; failed with a {@link ChatRefusal} when the proxy refuses it.
     */
    private Future<String> checked(ChatSession cs, String room, String text) {
        return hooks.publish(cs.user(), room, text).map(verdict -> {
            if (!verdict.allowed()) {
                throw new ChatRefusal("refused", "Not posted: " + verdict.reason() + ".");
            }
            return verdict.text() == null ? text : ChatInput.text(verdict.text(), config.maxLength());
        });
    }

    private Future<Map<String, Object>> edit(ChatSession cs, Map<String, Object> args) {
        long id = ChatInput.id(args.get("id"), "id");
        rates.take(cs.user());
        String text = ChatInput.text(args.get("text"), config.maxLength());
        return log.find(id).compose(found -> {
            ChatMessage m = found.filter(x -> !x.deleted() && cs.rooms.contains(x.room()))
                    .orElseThrow(() -> new ChatRefusal("not_found", "No message " + id + " in your rooms."));
            if (m.userId() != cs.principal.userId() || !m.user().equals(cs.user())) {
                throw new ChatRefusal("forbidden", "Only the author can edit a message.");
            }
            return checked(cs, m.room(), text).compose(checked -> log.edit(id, checked, System.currentTimeMillis()));
        }).map(edited -> changed("edited", id, edited));
    }

    private Future<Map<String, Object>> delete(ChatSession cs, Map<String, Object> args) {
        long id = ChatInput.id(args.get("id"), "id");
        return log.find(id).compose(found -> {
            ChatMessage m = found.filter(x -> !x.deleted() && cs.rooms.contains(x.room()))
                    .orElseThrow(() -> new ChatRefusal("not_found", "No message " + id + " in your rooms."));
            boolean author = m.userId() == cs.principal.userId() && m.user().equals(cs.user());
            if (!author && !cs.principal.may("moderate", "chat/" + m.room())) {
                throw new ChatRefusal("forbidden", "Only the author or a moderator can delete a message.");
            }
            return log.delete(id, System.currentTimeMillis());
        }).map(deleted -> changed("deleted", id, deleted));
    }

    private Map<String, Object> changed(String event, long id, java.util.Optional<ChatMessage> result) {
        ChatMessage m = result.orElseThrow(() -> new ChatRefusal("not_found", "Message " + id + " is gone."));
        Map<String, Object> json = m.toJson();
        ns.to(m.room()).emit(event, json);
        return Map.of("message", json);
    }

    private static String member(ChatSession cs, Object rawRoom) {
        String room = ChatInput.room(rawRoom);
        if (!cs.rooms.contains(room)) {
            throw new ChatRefusal("not_member", "Join '" + room + "' first.");
        }
        return room;
    }
}
