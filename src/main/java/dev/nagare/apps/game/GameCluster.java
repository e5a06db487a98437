package dev.nagare.apps.game;

import dev.nagare.adapter.ResponsesTimeout;
import dev.nagare.socketio.Namespace;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The game across the nodes of a cluster, as server-side events of {@code /game} (which reach only
 * the other nodes). A match runs on the node that made it; its snapshots are room broadcasts, which
 * the adapter carries to the room's sockets on every node. What a player on another node does is
 * relayed to the owning node, which treats them as it treats its own:
 *
 * <pre>
 *   game:matches [node, [{match, players, bots, spectators, maxPlayers}...]]
 *                                           that node's lobby: when it changes, and every 5 s (liveness:
 *                                           a node silent for 15 s is dropped with its matches)
 *   game:hello   [node]  (with ack)         answered with [node, matches]: the lobby at start
 *   game:join    [node, socket, match, user, spectate]  (with ack)
 *                                           the owner answers the join's reply (or refusal); the others null
 *   game:input   [node, socket, s, x, y]    one input of a player seated from that node
 *   game:resync  [node, socket]             a keyframe for that socket, sent to it through the adapter
 *   game:leave   [node, socket, match, away]  the socket left that match (away: it disconnected, the slot waits)
 *   game:gone    [node]                     the node is shutting down: its matches end now
 * </pre>
 *
 * Other nodes are trusted (they checked the login and its rights); what they send is still checked for
 * shape. On a single node the events go nowhere and nothing is remote. Home context only, as is the game.
 */
final class GameCluster {
    private static final Logger LOG = LoggerFactory.getLogger(GameCluster.class);
    static final long ALIVE_MS = 5_000;
    static final long SILENT_MS = 15_000;
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    /** The side of the game that runs matches for other nodes' sockets. */
    interface Owner {
        /** A socket of node {@code from} wants a seat; the join's answer or refusal, or null when the match is not here. */
        Map<String, Object> remoteJoin(String from, String socket, String match, String user, boolean spectate);

        void remoteInput(String from, String socket, Object s, Object x, Object y);

        void remoteResync(String from, String socket);

        void remoteLeave(String from, String socket, String match, boolean away);

        /** Node {@code node} is gone, so are its sockets. */
        void nodeGone(String node);
    }

    /** A match another node runs, as its last announcement described it. */
    record RemoteMatch(String node, String name, Map<String, Object> row) {
        int players() {
            return row.get("players") instanceof Number n ? n.intValue() : 0;
        }

        int maxPlayers() {
            return row.get("maxPlayers") instanceof Number n ? n.intValue() : 0;
        }
    }

    private final String node;
    private final Namespace ns;
    private final Context home;
    private final Supplier<List<Map<String, Object>>> lobby;
    private final Owner owner;
    private final BiConsumer<List<String>, String> matchesGone;
    private final Map<String, Map<String, RemoteMatch>> remote = new HashMap<>(); // node -> match -> row
    private final Map<String, Long> lastSeen = new HashMap<>();
    private List<Map<String, Object>> announced = List.of();
    private boolean stopped;

    /**
     * {@code lobby}: this node's matches; {@code owner}: what other nodes' sockets do in them;
     * {@code matchesGone}: other nodes' matches that ended (the node went, or the match did), and why.
     */
    GameCluster(String node, Namespace ns, Context home, Supplier<List<Map<String, Object>>> lobby, Owner owner,
            BiConsumer<List<String>, String> matchesGone) {
        this.node = node;
        this.ns = ns;
        this.home = home;
        this.lobby = lobby;
        this.owner = owner;
        this.matchesGone = matchesGone;
        ns.onServerSideEmit("game:matches", (args, ack) -> onMatches(args));
        ns.onServerSideEmit("game:hello", (args, ack) -> {
            seen(args);
            ack.send(List.of(node, stopped ? List.of() : lobby.get()));
        });
        ns.onServerSideEmit("game:join", (args, ack) -> {
            Map<String, Object> answer = null;
            if (seen(args) && args.size() >= 5 && args.get(1) instanceof String socket && args.get(2) instanceof String match
                    && args.get(3) instanceof String user && args.get(4) instanceof Boolean spectate && !stopped) {
                answer = owner.remoteJoin((String) args.get(0), socket, match, user, spectate);
            }
            ack.send(answer); // every node answers, so that the asker need not wait for a timeout
        });
        ns.onServerSideEmit("game:input", (args, ack) -> {
            if (seen(args) && args.size() >= 5 && args.get(1) instanceof String socket) {
                owner.remoteInput((String) args.get(0), socket, args.get(2), args.get(3), args.get(4));
            }
        });
        ns.onServerSideEmit("game:resync", (args, ack) -> {
            if (seen(args) && args.size() >= 2 && args.get(1) instanceof String socket) {
                owner.remoteResync((String) args.get(0), socket);
            }
        });
        ns.onServerSideEmit("game:leave", (args, ack) -> {
            if (seen(args) && args.size() >= 4 && args.get(1) instanceof String socket && args.get(2) instanceof String match
                    && args.get(3) instanceof Boolean away) {
                owner.remoteLeave((String) args.get(0), socket, match, away);
            }
        });
        ns.onServerSideEmit("game:gone", (args, ack) -> {
            if (seen(args)) {
                drop((String) args.get(0), "the server running it shut down");
            }
        });
        home.owner().setPeriodic(ALIVE_MS, t -> {
            if (!stopped) {
                announce(true);
                dropSilent(System.currentTimeMillis());
            }
        });
        // The other nodes' matches now (a node that answers late is heard from its next announcement).
        ns.serverSideEmitWithAck(JOIN_TIMEOUT, "game:hello", node).onComplete(ar -> home.runOnContext(v -> {
            for (Object answer : answers(ar.succeeded() ? ar.result() : null, ar.cause())) {
                if (answer instanceof List<?> a && a.size() == 2 && a.get(0) instanceof String from && !from.equals(node)) {
                    lastSeen.put(from, System.currentTimeMillis());
                    matches(from, a.get(1));
                }
            }
        }));
    }

    String node() {
        return node;
    }

    /** Tells the other nodes this node's lobby if it changed (or always, as the alive signal). */
    void announce(boolean always) {
        if (stopped) {
            return;
        }
        List<Map<String, Object>> now = lobby.get();
        if (always || !now.equals(announced)) {
            announced = now;
            ns.serverSideEmit("game:matches", node, now);
        }
    }

    /** The node is draining: the others drop its matches now rather than after the silence limit. */
    void leave() {
        stopped = true;
        ns.serverSideEmit("game:gone", node);
    }

    /** Every other node's matches, as their lobbies show them. */
    List<RemoteMatch> matches() {
        List<RemoteMatch> out = new ArrayList<>();
        remote.values().forEach(m -> out.addAll(m.values()));
        return out;
    }

    RemoteMatch match(String name) {
        for (Map<String, RemoteMatch> m : remote.values()) {
            RemoteMatch r = m.get(name);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** Asks the nodes for a seat in {@code match}; completes with the owner's answer, or null when none came. */
    Future<Map<String, Object>> join(String socket, String match, String user, boolean spectate) {
        Promise<Map<String, Object>> answered = Promise.promise();
        // Completed on the home context, whichever thread the adapter answers on: game state lives there.
        ns.serverSideEmitWithAck(JOIN_TIMEOUT, "game:join", node, socket, match, user, spectate).onComplete(ar ->
                home.runOnContext(v -> {
                    Map<String, Object> out = null;
                    for (Object answer : answers(ar.succeeded() ? ar.result() : null, ar.cause())) {
                        if (answer instanceof Map<?, ?> m && out == null) {
                            out = new LinkedHashMap<>();
                            for (var e : m.entrySet()) {
                                out.put(String.valueOf(e.getKey()), e.getValue());
                            }
                        }
                    }
                    answered.complete(out);
                }));
        return answered.future();
    }

    void input(String socket, Object s, Object x, Object y) {
        ns.serverSideEmit("game:input", node, socket, s, x, y);
    }

    void resync(String socket) {
        ns.serverSideEmit("game:resync", node, socket);
    }

    void left(String socket, String match, boolean away) {
        ns.serverSideEmit("game:leave", node, socket, match, away);
    }

    private static List<Object> answers(List<Object> all, Throwable failure) {
        return all != null ? all : failure instanceof ResponsesTimeout t ? t.responses() : List.of();
    }

    private boolean seen(List<Object> args) {
        if (args.isEmpty() || !(args.get(0) instanceof String from) || from.equals(node) || from.length() > 64) {
            return false;
        }
        lastSeen.put(from, System.currentTimeMillis());
        return true;
    }

    private void onMatches(List<Object> args) {
        if (seen(args) && args.size() >= 2) {
            matches((String) args.get(0), args.get(1));
        }
    }

    /** Replaces what {@code from} runs; matches it no longer lists have ended. */
    private void matches(String from, Object list) {
        if (!(list instanceof List<?> rows)) {
            return;
        }
        Map<String, RemoteMatch> now = new LinkedHashMap<>();
        for (Object row : rows) {
            if (row instanceof Map<?, ?> r && r.get("match") instanceof String name && name.length() <= 64
                    && now.size() < Matches.MAX_MATCHES) {
                Map<String, Object> clean = new LinkedHashMap<>();
                clean.put("match", name);
                for (String key : List.of("players", "bots", "spectators", "maxPlayers")) {
                    clean.put(key, r.get(key) instanceof Number n ? n.intValue() : 0);
                }
                now.put(name, new RemoteMatch(from, name, clean));
            }
        }
        Map<String, RemoteMatch> before = remote.put(from, now);
        if (before != null) {
            List<String> ended = before.keySet().stream().filter(m -> !now.containsKey(m)).toList();
            if (!ended.isEmpty()) {
                matchesGone.accept(ended, "the match ended");
            }
        }
    }

    /** Forgets {@code from}: its matches end here, and its sockets leave this node's matches. */
    private void drop(String from, String reason) {
        lastSeen.remove(from);
        Map<String, RemoteMatch> gone = remote.remove(from);
        LOG.info("game: node {} left ({}); {} match(es) it ran ended here", from, reason, gone == null ? 0 : gone.size());
        if (gone != null && !gone.isEmpty()) {
            matchesGone.accept(new ArrayList<>(gone.keySet()), reason);
        }
        owner.nodeGone(from);
    }

    /** Drops the nodes not heard from for {@link #SILENT_MS} before {@code now} (package-private for tests). */
    void dropSilent(long now) {
        List<String> silent = new ArrayList<>();
        lastSeen.forEach((n, at) -> {
            if (now - at > SILENT_MS) {
                silent.add(n);
            }
        });
        silent.forEach(n -> drop(n, "the server running it stopped answering"));
    }
}
