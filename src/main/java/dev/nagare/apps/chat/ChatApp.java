package dev.nagare.apps.chat;

import dev.nagare.auth.Principal;
import dev.nagare.auth.socketio.SocketIoGuard;
import dev.nagare.hooks.ProxyHooks;
import dev.nagare.socketio.ConnectMiddleware;
import dev.nagare.socketio.Namespace;
import dev.nagare.socketio.Socket;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat on namespace {@code /chat}: rooms, presence and typing here, messages and history in
 * {@link ChatMessages}, the room list and its limits in {@link ChatRooms}.
 *
 * <p>Client events (each takes one object and answers through its ack):
 * {@code join {room, after?}} → {@code {room, members, messages, more, canDelete}} (messages after the id
 * {@code after}, else the latest ones); {@code leave {room}}; {@code create {room}} (as join);
 * {@code deleteRoom {room}} (its creator or a moderator); {@code rooms {after?, limit?}} →
 * {@code {rooms: [{name, members}], more}} (by name, a page at a time); {@code typing {room}} (no ack).
 * Server events: {@code hello} (with the first page of rooms), {@code presence {room, joined: [user],
 * left: [user], count}} and {@code rooms {added: [{name, members}], removed: [name], changed: [...]}}
 * (both batched), {@code typing {room, user}} (volatile), and those of {@link ChatMessages}.
 *
 * <p>Rights are checked where data leaves: a socket is put in a room (and so gets its live messages,
 * presence and typing) only with {@code join:chat/<room>}, #general included.
 *
 * <p>State is event-loop only (the Socket.IO home context).
 */
public final class ChatApp {
    private static final Logger LOG = LoggerFactory.getLogger(ChatApp.class);
    public static final String NAMESPACE = "/chat";
    public static final String GENERAL = "general";
    static final int MAX_MEMBERS_LISTED = 500;
    private static final long TYPING_INTERVAL_NANOS = 1_000_000_000L;
    static final long PRESENCE_BATCH_MS = 250;

    private final Namespace ns;
    private final ChatLog log;
    private final ChatConfig config;
    private final Presence presence = new Presence();
    private final ChatRooms rooms;
    private final ChatMessages messages;
    private final Map<String, Set<String>> changed = new LinkedHashMap<>(); // room -> users whose presence changed
    private final ChatCluster cluster;
    private boolean flushScheduled;

    private ChatApp(Namespace ns, ChatLog log, ChatConfig config, UserRates rates, ChatRooms rooms, ProxyHooks hooks) {
        this.ns = ns;
        this.log = log;
        this.config = config;
        this.rooms = rooms;
        this.messages = new ChatMessages(ns, log, config, rates, hooks);
        this.cluster = new ChatCluster(Vertx.currentContext().owner(), ns, presence, new ChatCluster.Changes() {
            @Override
            public void presence(String room, String user) {
                announce(room, user);
            }

            @Override
            public void roomCreated(String room, long creator) {
                if (ChatInput.ROOM.matcher(room).matches() && rooms.createdElsewhere(room, creator, System.currentTimeMillis())) {
                    scheduleFlush();
                }
            }

            @Override
            public void roomRemoved(String room) {
                if (rooms.exists(room)) {
                    leaveEveryone(room, "removed on another node");
                    cluster.removedElsewhere(room);
                }
            }
        });
    }

    /**
     * Loads the room list, then opens {@code /chat} behind {@code auth} and the guide's protocol on the
     * default namespace (which the caller protects). Call on the home context.
     */
    public static Future<ChatApp> install(SocketIoServer io, ConnectMiddleware auth, Store store, ChatConfig config,
                                          dev.nagare.auth.RateSharing sharing, ProxyHooks hooks) {
        ChatLog log = new ChatLog(store);
        UserRates rates = new UserRates(config.messageRate());
        rates.share(sharing); // a user's messages on every node count against one rate
        return log.rooms().map(known -> {
            Namespace ns = io.of(NAMESPACE).enableRecovery(config.recovery()).use(auth);
            ChatApp app = new ChatApp(ns, log, config, rates, new ChatRooms(config, known, System.currentTimeMillis()), hooks);
            ns.onConnection(app::connected);
            GuideChat.install(io.of("/"), rates, config.maxLength());
            long sweep = Math.max(250, Math.min(30_000, config.roomIdle().toMillis() / 4));
            Vertx.currentContext().owner().setPeriodic(sweep, t -> app.expire());
            return app;
        });
    }

    public ChatLog log() {
        return log;
    }

    private void connected(Socket socket) {
        Principal p = SocketIoGuard.principal(socket);
        if (p == null) {
            socket.disconnect(true);
            return;
        }
        ChatSession cs = ChatSession.of(socket, p);
        if (socket.recovered()) {
            // The namespace restored the socket's rooms; presence lost them when it dropped. A room
            // deleted meanwhile is left.
            for (String room : List.copyOf(cs.rooms)) {
                if (rooms.exists(room) && p.may("join", "chat/" + room)) {
                    arrive(room, cs);
                } else {
                    cs.rooms.remove(room);
                    socket.leave(room);
                }
            }
        } else if (p.may("join", "chat/" + GENERAL) && roomFor(GENERAL, cs) == null) {
            enter(GENERAL, cs); // unless general is full (then joining it says so) or this token may not read it
        }
        socket.onDisconnect(reason -> {
            for (String room : cs.rooms) {
                depart(room, cs);
            }
        });
        Map<String, Object> page = rooms.page(null, ChatRooms.PAGE, presence::count);
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("user", p.username());
        hello.put("role", p.role().name().toLowerCase(Locale.ROOT));
        hello.put("canRead", p.may("join", "chat/" + GENERAL));
        hello.put("canPost", p.may("publish", "chat/" + GENERAL));
        hello.put("canModerate", p.may("moderate", "chat/*"));
        hello.put("maxLength", config.maxLength());
        hello.put("rooms", page.get("rooms"));
        hello.put("roomsMore", page.get("more"));
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
        cs.on("deleteRoom", args -> deleteRoom(cs, args));
        cs.on("rooms", args -> {
            String after = args.get("after") == null ? null : ChatInput.room(args.get("after"));
            int limit = ChatInput.limit(args.get("limit"), ChatRooms.PAGE, ChatRooms.PAGE);
            return Future.succeededFuture(rooms.page(after, limit, presence::count));
        });
        cs.on("typing", args -> {
            String room = ChatInput.room(args.get("room"));
            long now = System.nanoTime();
            // A sent message ended the author's typing on every page, so typing again is news at once.
            if (cs.rooms.contains(room) && (cs.typingEnded || now - cs.lastTypingNanos >= TYPING_INTERVAL_NANOS)) {
                cs.typingEnded = false;
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
        ChatRooms.Room found = rooms.get(room);
        if (found == null) {
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
            out.put("canDelete", mayDelete(cs, found));
            out.putAll(page);
            return out;
        });
    }

    private Future<Map<String, Object>> create(ChatSession cs, Map<String, Object> args) {
        String room = ChatInput.room(args.get("room"));
        if (!cs.principal.may("publish", "chat/" + room)) {
            throw new ChatRefusal("forbidden", "Not allowed: creating rooms needs the right publish:chat/" + room + ".");
        }
        long creator = cs.principal.userId();
        rooms.reserve(room, cs.principal);
        long now = System.currentTimeMillis();
        return log.createRoom(room, creator, now).transform(ar -> {
            if (ar.failed() || !ar.result()) {
                rooms.abandoned(room, creator);
                return ar.failed() ? Future.failedFuture(ar.cause())
                        : Future.failedFuture(new ChatRefusal("exists", "There is already a room '" + room + "'."));
            }
            rooms.created(room, creator, now);
            cluster.roomCreated(room, creator);
            LOG.info("chat room {} created by {}", room, cs.user());
            scheduleFlush();
            return join(cs, Map.of("room", room));
        });
    }

    private Future<Map<String, Object>> deleteRoom(ChatSession cs, Map<String, Object> args) {
        String room = ChatInput.room(args.get("room"));
        ChatRooms.Room found = rooms.get(room);
        if (found == null) {
            throw new ChatRefusal("not_found", "There is no room '" + room + "'.");
        }
        if (!mayDelete(cs, found)) {
            throw new ChatRefusal("forbidden", found.creator == 0 ? "Room '" + room + "' is built in and stays."
                    : "Only the room's creator or a moderator can delete '" + room + "'.");
        }
        return remove(room, "deleted by " + cs.user()).map(v -> Map.of("room", room));
    }

    private static boolean mayDelete(ChatSession cs, ChatRooms.Room room) {
        return room.creator != 0
                && (room.creator == cs.principal.userId() || cs.principal.may("moderate", "chat/" + room.name));
    }

    /** Deletes user-made rooms that have been empty too long. */
    private void expire() {
        for (String room : rooms.expired(System.currentTimeMillis())) {
            remove(room, "expired (empty for " + config.roomIdle().toSeconds() + " s)").onFailure(e ->
                    LOG.warn("chat room {}: could not delete its history", room, e));
        }
    }

    /**
     * Takes the room away from everyone at once, on every node, then deletes it and its history from
     * the store.
     */
    private Future<Void> remove(String room, String why) {
        cluster.roomRemoved(room);
        return leaveEveryone(room, why).compose(v -> log.deleteRoom(room).mapEmpty());
    }

    /** Forgets the room here and makes this node's sockets leave it. */
    private Future<Void> leaveEveryone(String room, String why) {
        rooms.remove(room);
        presence.drop(room);
        changed.remove(room);
        LOG.info("chat room {} {}", room, why);
        scheduleFlush();
        return ns.sockets().map(all -> {
            for (Socket socket : all.values()) {
                if (socket.data().get(ChatSession.KEY) instanceof ChatSession cs && cs.rooms.remove(room)) {
                    socket.leave(room);
                }
            }
            return null;
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
        cluster.arrived(room, cs.user());
        if (presence.add(room, cs.user())) {
            announce(room, cs.user());
        }
    }

    private void depart(String room, ChatSession cs) {
        cluster.departed(room, cs.user());
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
        changed.computeIfAbsent(room, r -> new LinkedHashSet<>()).add(user);
        rooms.occupancy(room, presence.count(room), System.currentTimeMillis());
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            Vertx.currentContext().owner().setTimer(PRESENCE_BATCH_MS, t -> flush());
        }
    }

    private void flush() {
        flushScheduled = false;
        long now = System.currentTimeMillis();
        for (Map.Entry<String, Set<String>> e : changed.entrySet()) {
            String room = e.getKey();
            List<String> joined = new ArrayList<>();
            List<String> left = new ArrayList<>();
            for (String user : e.getValue()) {
                (presence.has(room, user) ? joined : left).add(user);
            }
            // Each node tells its own sockets (every node sees every change): local, or they would hear it twice.
            ns.local().to(room).emit("presence", Map.of("room", room, "joined", joined, "left", left,
                    "count", presence.count(room), "ts", now));
        }
        changed.clear();
        Map<String, Object> delta = rooms.takeDelta(presence::count);
        if (delta != null) {
            ns.local().emit("rooms", delta); // to every socket, encoded once: only what changed
        }
    }
}
