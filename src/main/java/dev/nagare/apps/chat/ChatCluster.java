package dev.nagare.apps.chat;

import dev.nagare.adapter.ResponsesTimeout;
import dev.nagare.socketio.Namespace;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat's rooms and presence across the nodes of a cluster, as server-side events of
 * {@code /chat} (which reach only the other nodes):
 *
 * <pre>
 *   chat:presence [node, room, user, present]   a user's first socket in a room on that node came, or its last left
 *   chat:room     [node, "created"|"removed", room, creator]
 *   chat:alive    [node]                       every 5 s; a node silent for 15 s is dropped and its users leave
 *   chat:snapshot [node]  (with ack)           answered with [[room, user], ...]: who is where on the answering node
 * </pre>
 *
 * Messages and typing need nothing here: they are room broadcasts, which the adapter carries to
 * every node; history is in the shared store. On a single node server-side events go nowhere and
 * this costs nothing. Event-loop only (the home context), as is the chat.
 */
final class ChatCluster {
    private static final Logger LOG = LoggerFactory.getLogger(ChatCluster.class);
    static final long ALIVE_MS = 5_000;
    static final long SILENT_MS = 15_000;
    /** Room-user pairs other nodes may hold here; past it their news is dropped (with a log line). */
    private static final int MAX_REMOTE = 1_000_000;

    /** What the chat does when another node changes something. */
    interface Changes {
        void presence(String room, String user);

        void roomCreated(String room, long creator);

        void roomRemoved(String room);
    }

    private final String node = HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
    private final Namespace ns;
    private final Presence presence; // everyone, on every node
    private final Presence mine = new Presence(); // this node's sockets only
    private final Changes changes;
    private final Map<String, Long> lastSeen = new HashMap<>();
    private int remoteHeld;

    ChatCluster(Vertx vertx, Namespace ns, Presence presence, Changes changes) {
        this.ns = ns;
        this.presence = presence;
        this.changes = changes;
        ns.onServerSideEmit("chat:presence", (args, ack) -> onPresence(args));
        ns.onServerSideEmit("chat:room", (args, ack) -> onRoom(args));
        ns.onServerSideEmit("chat:alive", (args, ack) -> seen(args));
        ns.onServerSideEmit("chat:snapshot", (args, ack) -> {
            seen(args);
            ack.send(List.of(node, mine.pairs()));
        });
        vertx.setPeriodic(ALIVE_MS, t -> {
            ns.serverSideEmit("chat:alive", node);
            dropSilent(System.currentTimeMillis());
        });
        // Who is already where on the other nodes (a node that answers late is heard from its next change).
        ns.serverSideEmitWithAck(Duration.ofSeconds(5), "chat:snapshot", node).onComplete(ar -> {
            List<Object> answers = ar.succeeded() ? ar.result()
                    : ar.cause() instanceof ResponsesTimeout t ? t.responses() : List.of();
            vertx.getOrCreateContext().runOnContext(v -> answers.forEach(this::onSnapshot));
        });
    }

    void arrived(String room, String user) {
        if (mine.add(room, user)) {
            ns.serverSideEmit("chat:presence", node, room, user, true);
        }
    }

    void departed(String room, String user) {
        if (mine.remove(room, user)) {
            ns.serverSideEmit("chat:presence", node, room, user, false);
        }
    }

    void roomCreated(String room, long creator) {
        ns.serverSideEmit("chat:room", node, "created", room, creator);
    }

    void roomRemoved(String room) {
        mine.drop(room);
        ns.serverSideEmit("chat:room", node, "removed", room, 0);
    }

    /** Forgets what this node held in a room removed elsewhere (its sockets were made to leave). */
    void removedElsewhere(String room) {
        mine.drop(room);
    }

    private boolean seen(List<Object> args) {
        if (args.isEmpty() || !(args.get(0) instanceof String from) || from.equals(node) || from.length() > 64) {
            return false;
        }
        lastSeen.put(from, System.currentTimeMillis());
        return true;
    }

    private void onPresence(List<Object> args) {
        if (!seen(args) || args.size() < 4 || !(args.get(1) instanceof String room) || !(args.get(2) instanceof String user)
                || !(args.get(3) instanceof Boolean present) || room.length() > 64 || user.length() > 64) {
            return;
        }
        remote((String) args.get(0), room, user, present);
    }

    private void remote(String from, String room, String user, boolean present) {
        if (present && remoteHeld >= MAX_REMOTE) {
            LOG.warn("chat: other nodes hold {} room memberships here, the most kept; {} in {} not shown", remoteHeld, user, room);
            return;
        }
        if (presence.remote(from, room, user, present)) {
            remoteHeld += present ? 1 : -1;
            changes.presence(room, user);
        }
    }

    private void onRoom(List<Object> args) {
        if (!seen(args) || args.size() < 4 || !(args.get(2) instanceof String room) || room.length() > 64) {
            return;
        }
        if ("created".equals(args.get(1)) && args.get(3) instanceof Number creator) {
            changes.roomCreated(room, creator.longValue());
        } else if ("removed".equals(args.get(1))) {
            changes.roomRemoved(room);
        }
    }

    private void onSnapshot(Object answer) {
        if (!(answer instanceof List<?> a) || a.size() < 2 || !(a.get(0) instanceof String from) || from.equals(node)
                || !(a.get(1) instanceof List<?> pairs)) {
            return;
        }
        lastSeen.put(from, System.currentTimeMillis());
        for (Object p : pairs) {
            if (p instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String room
                    && pair.get(1) instanceof String user) {
                remote(from, room, user, true);
            }
        }
    }

    private void dropSilent(long now) {
        List<String> silent = new ArrayList<>();
        lastSeen.forEach((n, at) -> {
            if (now - at > SILENT_MS) {
                silent.add(n);
            }
        });
        // A node known only from its presence lines and never heard since is dropped the same way.
        for (String n : presence.nodes()) {
            lastSeen.putIfAbsent(n, now);
        }
        for (String n : silent) {
            lastSeen.remove(n);
            List<List<String>> left = presence.dropNode(n);
            remoteHeld -= left.size();
            LOG.info("chat: node {} stopped answering; {} room membership(s) it held ended", n, left.size());
            left.forEach(pair -> changes.presence(pair.get(0), pair.get(1)));
        }
    }
}
