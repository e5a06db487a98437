package dev.nagare.apps.chat;

import dev.nagare.auth.AuthRoutes;
import dev.nagare.auth.Principal;
import dev.nagare.socketio.ConnectMiddleware;
import dev.nagare.socketio.Namespace;
import dev.nagare.socketio.Socket;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.store.Store;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chat on namespace {@code /chat}: rooms, presence and typing here, messages and history in
 * {@link ChatMessages}.
 *
 * <p>Client events (each takes one object and answers through its ack):
 * {@code join {room, after?}} → {@code {room, members, messages, more}} (messages after the id
 * {@code after}, else the latest ones); {@code leave {room}}; {@code create {room}};
 * {@code rooms {}} → {@code {rooms: [{name, members}]}}; {@code typing {room}} (no ack).
 * Server events: {@code hello}, {@code presence {room, joined: [user], left: [user], count}} (batched),
 * {@code typing {room, user}} (volatile), {@code rooms}, and those of {@link ChatMessages}.
 *
 * <p>State is event-loop only (the Socket.IO home context).
 */
public final class ChatApp {
    public static final String NAMESPACE = "/chat";
    public static final String GENERAL = "general";
    static final int MAX_ROOMS = 10_000;
    static final int MAX_MEMBERS_LISTED = 500;
    private static final long TYPING_INTERVAL_NANOS = 1_000_000_000L;
    static final long PRESENCE_BATCH_MS = 250;

    private final Namespace ns;
    private final ChatLog log;
    private final ChatConfig config;
    private final Presence presence = new Presence();
    private final Set<String> rooms = new LinkedHashSet<>();
    private final ChatMessages messages;
    private final Map<String, Set<String>> changed = new LinkedHashMap<>(); // room -> users whose presence changed
    private boolean flushScheduled;

    private ChatApp(Namespace ns, ChatLog log, ChatConfig config, UserRates rates, List<String> known) {
        this.ns = ns;
        this.log = log;
        this.config = config;
        this.rooms.addAll(known);
        this.messages = new ChatMessages(ns, log, config, rates);
    }

    /**
     * Loads the room list, then opens {@code /chat} behind {@code auth} and the guide's protocol on the
     * default namespace (which the caller protects). Call on the home context.
     */
    public static Future<ChatApp> install(SocketIoServer io, ConnectMiddleware auth, Store store, ChatConfig config) {
        ChatLog log = new ChatLog(store);
        UserRates rates = new UserRates(config.messageRate());
        return log.rooms().map(known -> {
            Namespace ns = io.of(NAMESPACE).enableRecovery(config.recovery()).use(auth);
            ChatApp app = new ChatApp(ns, log, config, rates, known);
            ns.onConnection(app::connected);
            GuideChat.install(io.of("/"), rates, config.maxLength());
            return app;
        });
    }

    public ChatLog log() {
        return log;
    }

    private void connected(Socket socket) {
        Principal p = AuthRoutes.principal(socket);
        if (p == null) {
            socket.disconnect(true);
            return;
        }
        ChatSession cs = ChatSession.of(socket, p);
        if (socket.recovered()) {
            // The namespace restored the socket's rooms; presence lost them when it dropped.
            for (String room : cs.rooms) {
                arrive(room, cs);
            }
        } else if (roomFor(GENERAL, cs) == null) {
            enter(GENERAL, cs); // unless general is full: then joining it says so
        }
        socket.onDisconnect(reason -> {
            for (String room : cs.rooms) {
                depart(room, cs);
            }
        });
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("user", p.username());
        hello.put("role", p.role().name().toLowerCase(java.util.Locale.ROOT));
        hello.put("canPost", p.may("publish", "chat/" + GENERAL));
        hello.put("canModerate", p.may("moderate", "chat/*"));
        hello.put("maxLength", config.maxLength());
        hello.put("rooms", roomList());
        socket.emit("hello", hello);

        cs.on("join", args -> join(cs, args));
        cs.on("leave", args -> {
            String room = ChatInput.room(args.get("room"));
            if (cs.rooms.remove(room)) {
                socket.leave(room);
                depart(room, cs);
            }
            return Future.succeededFuture(Map.of("room", room));
        });
        cs.on("create", args -> create(cs, args));
        cs.on("rooms", args -> Future.succeededFuture(Map.of("rooms", roomList())));
        cs.on("typing", args -> {
            String room = ChatInput.room(args.get("room"));
            long now = System.nanoTime();
            if (cs.rooms.contains(room) && now - cs.lastTypingNanos >= TYPING_INTERVAL_NANOS) {
                cs.lastTypingNanos = now;
                socket.to(room).volatile_().emit("typing", Map.of("room", room, "user", cs.user()));
            }
            return Future.succeededFuture(null);
        });
        messages.register(cs);
    }

    private Future<Map<String, Object>> join(ChatSession cs, Map<String, Object> args) {
        String room = ChatInput.room(args.get("room"));
        long after = ChatMessages.forwardFrom(args);
        if (!rooms.contains(room)) {
            throw new ChatRefusal("not_found", "There is no room '" + room + "'; create it first.");
        }
        if (!cs.principal.may("join", "chat/" + room)) {
            throw new ChatRefusal("forbidden", "Not allowed: joining '" + room + "' needs the right join:chat/" + room + ".");
        }
        if (!cs.rooms.contains(room)) {
            ChatRefusal full = roomFor(room, cs);
            if (full != null) {
                throw full;
            }
            enter(room, cs);
        }
        return messages.page(room, 0, after, after >= 0 ? ChatMessages.MAX_PAGE : config.historySize()).map(page -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("room", room);
            out.put("members", presence.members(room, MAX_MEMBERS_LISTED));
            out.put("count", presence.count(room));
            out.putAll(page);
            return out;
        });
    }

    private Future<Map<String, Object>> create(ChatSession cs, Map<String, Object> args) {
        String room = ChatInput.room(args.get("room"));
        if (!cs.principal.may("publish", "chat/" + room)) {
            throw new ChatRefusal("forbidden", "Not allowed: creating rooms needs the right publish:chat/" + room + ".");
        }
        if (rooms.contains(room)) {
            throw new ChatRefusal("exists", "There is already a room '" + room + "'; join it instead.");
        }
        if (rooms.size() >= MAX_ROOMS) {
            throw new ChatRefusal("too_many_rooms", "This server holds its maximum of " + MAX_ROOMS + " rooms.");
        }
        return log.createRoom(room, cs.principal.userId(), System.currentTimeMillis()).compose(created -> {
            rooms.add(room);
            ns.emit("rooms", Map.of("rooms", roomList()));
            return join(cs, Map.of("room", room));
        });
    }

    /** Why {@code cs}'s user may not enter {@code room} now (a limit), or null. */
    private ChatRefusal roomFor(String room, ChatSession cs) {
        if (presence.has(room, cs.user())) {
            return null; // another tab of a member
        }
        if (presence.roomsOf(cs.user()) >= config.maxRoomsPerUser()) {
            return new ChatRefusal("too_many_rooms", "You are in " + config.maxRoomsPerUser()
                    + " rooms, the most allowed; leave one first.");
        }
        if (presence.count(room) >= config.maxMembersPerRoom()) {
            return new ChatRefusal("room_full", "Room '" + room + "' is full (" + config.maxMembersPerRoom()
                    + " members).");
        }
        return null;
    }

    private void enter(String room, ChatSession cs) {
        cs.rooms.add(room);
        cs.socket().join(room);
        arrive(room, cs);
    }

    private void arrive(String room, ChatSession cs) {
        if (presence.add(room, cs.user())) {
            announce(room, cs.user());
        }
    }

    private void depart(String room, ChatSession cs) {
        if (presence.remove(room, cs.user())) {
            announce(room, cs.user());
        }
    }

    /**
     * Presence changes are sent in batches, one per room every {@link #PRESENCE_BATCH_MS}: when a
     * thousand users reconnect after a restart, each member gets a few events listing who came,
     * not a thousand (which would be a million packets). A user who left and came back within one
     * batch is reported in their final state.
     */
    private void announce(String room, String user) {
        changed.computeIfAbsent(room, r -> new java.util.LinkedHashSet<>()).add(user);
        if (!flushScheduled) {
            flushScheduled = true;
            io.vertx.core.Vertx.currentContext().owner().setTimer(PRESENCE_BATCH_MS, t -> flushPresence());
        }
    }

    private void flushPresence() {
        flushScheduled = false;
        long now = System.currentTimeMillis();
        for (Map.Entry<String, Set<String>> e : changed.entrySet()) {
            String room = e.getKey();
            List<String> joined = new ArrayList<>();
            List<String> left = new ArrayList<>();
            for (String user : e.getValue()) {
                (presence.has(room, user) ? joined : left).add(user);
            }
            ns.to(room).emit("presence", Map.of("room", room, "joined", joined, "left", left,
                    "count", presence.count(room), "ts", now));
        }
        changed.clear();
    }

    private List<Map<String, Object>> roomList() {
        List<Map<String, Object>> out = new ArrayList<>(rooms.size());
        for (String r : rooms) {
            out.add(Map.of("name", r, "members", presence.count(r)));
        }
        return out;
    }
}
