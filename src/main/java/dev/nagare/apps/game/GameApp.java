package dev.nagare.apps.game;

import dev.nagare.auth.Principal;
import dev.nagare.auth.socketio.SocketIoGuard;
import dev.nagare.socketio.Ack;
import dev.nagare.socketio.ConnectMiddleware;
import dev.nagare.socketio.Namespace;
import dev.nagare.socketio.Socket;
import dev.nagare.socketio.SocketIoServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The arena game on namespace {@code /game}. Client events (acked with {@code {"ok":true,...}} or
 * {@code {"error","message"}}): {@code lobby {}} → matches; {@code join {match?}} → a slot in that
 * match (or the first with room, or a new one): {@code {match, you, rules, snapshot}};
 * {@code spectate {match}}; {@code leave {}}; {@code input {s, x, y}} (no ack; a sequence number and
 * a direction of length ≤ 1); {@code resync {}} → a keyframe; {@code ping {}} → {@code {t}} for the
 * RTT readout. The server sends {@code s} snapshots (see {@link Match}) to each match's room as
 * volatile packets, encoded once per tick for everyone, a keyframe every second, and
 * {@code ended {match, reason}} to the members of a match that ends under them (its server shuts down).
 *
 * <p>In a cluster ({@link GameCluster}) the lobby lists every node's matches and a socket may sit in a
 * match another node runs: its joins, inputs and leaves are relayed there, and that node's snapshots
 * reach it through the match's room.
 *
 * <p>All game state is on the home context; the tick is a self-correcting timer there, and a tick of
 * a 200-player match takes well under a millisecond, so the event loop is never held up.
 */
public final class GameApp {
    private static final Logger LOG = LoggerFactory.getLogger(GameApp.class);
    public static final String NAMESPACE = "/game";
    static final int MAX_MATCHES = Matches.MAX_MATCHES;

    private final Namespace ns;
    private final GameConfig config;
    private final Context home;
    private final Matches matches;
    private final TickStats stats;
    private final boolean clustered;
    private final GameCluster cluster;
    private final RemoteSeats remoteSeats;
    /** This node's sockets seated in other nodes' matches. */
    private final Map<Socket, Seat> seatedElsewhere = new HashMap<>();
    private long started;
    private long ticks;

    private GameApp(Namespace ns, GameConfig config, Context home, boolean clustered) {
        this.ns = ns;
        this.config = config;
        this.home = home;
        this.stats = new TickStats(config.tickHz());
        this.clustered = clustered;
        String node = HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
        // Each node names its own matches: in a cluster the names carry the node's, so they never clash.
        this.matches = new Matches(config, clustered ? "arena-" + node.substring(0, 6) + "-" : "arena-");
        this.remoteSeats = new RemoteSeats(matches, ns);
        this.cluster = new GameCluster(node, ns, home, matches::lobby, remoteSeats, this::matchesGone);
    }

    /**
     * Opens {@code /game} behind {@code auth} and starts the tick; {@code clustered}: other nodes may run
     * matches too. Call on the home context.
     */
    public static GameApp install(SocketIoServer io, ConnectMiddleware auth, GameConfig config, Context home,
            boolean clustered) {
        GameApp app = new GameApp(io.of(NAMESPACE).use(auth), config, home, clustered);
        app.ns.onConnection(app::connected);
        app.started = System.nanoTime();
        app.schedule();
        return app;
    }

    /** People and bots seated in this node's matches (home context). */
    public int players() {
        int n = 0;
        for (Match m : matches.all()) {
            n += m.players.size();
        }
        return n;
    }

    public TickStats stats() {
        return stats;
    }

    // ---- the tick ----

    private void schedule() {
        long period = 1_000_000_000L / config.tickHz();
        long due = started + (ticks + 1) * period;
        long delayMs = Math.max(1, (due - System.nanoTime()) / 1_000_000);
        home.owner().setTimer(delayMs, id -> {
            long begin = System.nanoTime();
            ticks++;
            if (begin - due > 4 * period) {
                started = begin - ticks * period; // far behind (a paused JVM): skip ahead, do not burst
            }
            tickAll();
            stats.record(begin - due, System.nanoTime() - begin);
            schedule();
        });
    }

    private void tickAll() {
        boolean keyframe = ticks % config.tickHz() == 0;
        long now = System.nanoTime();
        for (var it = matches.all().iterator(); it.hasNext(); ) {
            Match m = it.next();
            for (Match.Player p : new ArrayList<>(m.players.values())) {
                if (p.awaySince != 0 && now - p.awaySince > config.grace().toNanos()) {
                    m.remove(p.id); // did not come back in time
                }
            }
            matches.fillWithBots(m);
            if (m.humans() == 0 && m.spectators == 0) {
                LOG.info("Match {} ended: nobody left", m.name);
                it.remove();
                continue;
            }
            ns.to(room(m)).volatile_().emit("s", m.step(keyframe));
        }
        if (clustered) {
            cluster.announce(false);
        }
    }

    /**
     * The server is shutting down: the members of its matches, here and on other nodes, are told
     * the match ended, and the other nodes drop its matches now. Any thread.
     */
    public Future<Void> drain(String reason) {
        Promise<Void> done = Promise.promise();
        home.runOnContext(v -> {
            for (Match m : matches.all()) {
                // Only this node's sockets: the others hear "game:gone" and tell their own.
                ns.local().to(room(m)).emit("ended", Map.of("match", m.name, "reason", reason));
            }
            matches.clear();
            remoteSeats.clear();
            cluster.leave();
            done.complete();
        });
        return done.future();
    }

    private static String room(Match m) {
        return room(m.name);
    }

    private static String room(String match) {
        return "match:" + match;
    }

    // ---- sockets ----

    private void connected(Socket socket) {
        Principal principal = SocketIoGuard.principal(socket);
        String user = principal == null ? "?" : principal.username();
        Seat seat = new Seat();
        socket.on("lobby", (args, ack) -> ok(ack, Map.of("matches", everyLobby())));
        socket.on("join", (args, ack) -> join(socket, principal, seat, arg(args, "match"), ack));
        socket.on("spectate", (args, ack) -> spectate(socket, seat, String.valueOf(arg(args, "match")), ack));
        socket.on("leave", (args, ack) -> {
            leave(socket, seat);
            ok(ack, Map.of());
        });
        socket.on("input", (args, ack) -> {
            if (seat.spectating || (seat.player == null && !seat.remote())) {
                return; // spectators and the seatless have nothing to steer; inputs are not acked
            }
            Object raw = args.isEmpty() ? null : args.get(0);
            Map<?, ?> in = raw instanceof Map<?, ?> m ? m : Map.of();
            if (seat.remote()) {
                String refused = seat.relayable(in.get("s"), in.get("x"), in.get("y"), config.tickHz());
                if (refused == null) {
                    cluster.input(socket.id(), in.get("s"), in.get("x"), in.get("y"));
                } else {
                    refusedInput(user, seat.refused, refused, body -> socket.emit("nagare:error", body));
                }
                return;
            }
            String refused = seat.match.input(seat.player, in.get("s"), in.get("x"), in.get("y"));
            if (refused != null) {
                refusedInput(user, seat.player.dropped, refused, body -> socket.emit("nagare:error", body));
            }
        });
        socket.on("resync", (args, ack) -> {
            if (seat.remote()) {
                if (seat.resyncDue()) {
                    cluster.resync(socket.id());
                }
            } else if (seat.match != null) {
                socket.emit("s", seat.match.keyframe());
            }
        });
        socket.on("ping", (args, ack) -> ok(ack, Map.of("t", System.currentTimeMillis())));
        socket.onDisconnect(reason -> {
            if (seat.remote()) {
                cluster.left(socket.id(), seat.remoteMatch, true);
                seatedElsewhere.remove(socket);
            }
            if (seat.player != null) {
                seat.player.awaySince = System.nanoTime(); // the slot waits for the grace period
            }
            if (seat.spectating && seat.match != null) {
                seat.match.spectators--;
            }
            seat.generation++;
        });
    }

    /** One line per hundred refusals: a flood is visible in the log without flooding it. */
    static void refusedInput(String user, long count, String refused, Consumer<Map<String, Object>> tell) {
        if (count % 100 == 1) {
            LOG.info("game input from {} refused ({} so far): {}", user, count, refused);
            tell.accept(Map.of("event", "input", "error", "refused", "message", refused));
        }
    }

    private void join(Socket socket, Principal principal, Seat seat, Object wanted, Ack ack) {
        if (principal == null) {
            fail(socket, ack, "join", "forbidden", "Log in to play.");
            return;
        }
        String name = wanted == null ? null : String.valueOf(wanted);
        Match m = name == null ? matches.firstWithRoom() : matches.get(name);
        if (m == null) {
            // Matchmaking looks at every node's matches, this node's first (no relay).
            GameCluster.RemoteMatch r = name == null ? remoteWithRoom() : cluster.match(name);
            if (r != null) {
                joinElsewhere(socket, principal, seat, r, name == null, ack);
                return;
            }
        }
        if (m == null && name != null) {
            fail(socket, ack, "join", "not_found", "No such match; ask 'lobby' for the list.");
            return;
        }
        joinHere(socket, principal, seat, m, ack);
    }

    /** Joins {@code m}, or a new match of this node when null. */
    private void joinHere(Socket socket, Principal principal, Seat seat, Match m, Ack ack) {
        if (m == null) {
            m = matches.start();
            if (m == null) {
                fail(socket, ack, "join", "full", "Every match is full and this server runs its maximum of " + MAX_MATCHES + ".");
                return;
            }
            LOG.info("Match {} started", m.name);
        }
        if (!principal.may("publish", "game/" + m.name)) {
            fail(socket, ack, "join", "forbidden", "Playing needs the right publish:game/" + m.name + "; spectate instead.");
            return;
        }
        leave(socket, seat);
        Match.Player p = matches.seat(m, principal.username());
        if (p == null) {
            fail(socket, ack, "join", "full", matches.full(m));
            return;
        }
        seat.match = m;
        seat.player = p;
        socket.join(room(m));
        ok(ack, matches.joined(m, p));
    }

    private void spectate(Socket socket, Seat seat, String name, Ack ack) {
        Match m = matches.get(name);
        GameCluster.RemoteMatch r = m == null ? cluster.match(name) : null;
        if (m == null && r == null) {
            fail(socket, ack, "spectate", "not_found", "No such match; ask 'lobby' for the list.");
            return;
        }
        leave(socket, seat);
        if (r != null) {
            int generation = seat.generation;
            cluster.join(socket.id(), name, "", true).onComplete(ar ->
                    seatedThere(socket, seat, generation, r, true, ar.result(), ack, () -> fail(socket, ack, "spectate",
                            "not_found", "No such match; ask 'lobby' for the list.")));
            return;
        }
        seat.match = m;
        seat.spectating = true;
        m.spectators++;
        socket.join(room(m));
        ok(ack, matches.joined(m, null));
    }

    /** Asks the node running {@code r} for a slot; a quick join that finds it full (or gone) starts one here. */
    private void joinElsewhere(Socket socket, Principal principal, Seat seat, GameCluster.RemoteMatch r, boolean quick, Ack ack) {
        if (!principal.may("publish", "game/" + r.name())) {
            fail(socket, ack, "join", "forbidden", "Playing needs the right publish:game/" + r.name() + "; spectate instead.");
            return;
        }
        leave(socket, seat);
        int generation = seat.generation;
        cluster.join(socket.id(), r.name(), principal.username(), false).onComplete(ar -> {
            Map<String, Object> answer = ar.result();
            if (quick && generation == seat.generation && socket.connected()
                    && (answer == null || "full".equals(answer.get("error")) || "not_found".equals(answer.get("error")))) {
                joinHere(socket, principal, seat, matches.firstWithRoom(), ack);
                return;
            }
            seatedThere(socket, seat, generation, r, false, answer, ack,
                    () -> fail(socket, ack, "join", "not_found", "No such match; ask 'lobby' for the list."));
        });
    }

    /** The owning node's answer to a join or spectate relayed there ({@code answer} null: none came). */
    private void seatedThere(Socket socket, Seat seat, int generation, GameCluster.RemoteMatch r, boolean spectate,
            Map<String, Object> answer, Ack ack, Runnable noAnswer) {
        if (answer == null) {
            noAnswer.run();
            return;
        }
        if (answer.get("error") instanceof String code) {
            fail(socket, ack, spectate ? "spectate" : "join", code, String.valueOf(answer.get("message")));
            return;
        }
        if (!socket.connected() || generation != seat.generation) {
            // It left or went elsewhere meanwhile: give the slot back (unless a later join took it over).
            if (!(r.node().equals(seat.node) && r.name().equals(seat.remoteMatch))) {
                cluster.left(socket.id(), r.name(), !socket.connected());
            }
            fail(socket, ack, spectate ? "spectate" : "join", "not_found", "You left or went to another match meanwhile.");
            return;
        }
        seat.seatRemote(r.node(), r.name(), spectate);
        seatedElsewhere.put(socket, seat);
        socket.join(room(r.name()));
        ack.send(answer);
    }

    private void leave(Socket socket, Seat seat) {
        String name = seat.matchName();
        if (name == null) {
            seat.generation++;
            return;
        }
        socket.leave(room(name));
        if (seat.remote()) {
            cluster.left(socket.id(), seat.remoteMatch, false);
            seatedElsewhere.remove(socket);
        } else {
            if (seat.player != null) {
                seat.match.remove(seat.player.id);
            }
            if (seat.spectating) {
                seat.match.spectators--;
            }
        }
        seat.clear();
    }

    private GameCluster.RemoteMatch remoteWithRoom() {
        for (GameCluster.RemoteMatch r : cluster.matches()) {
            if (r.players() < r.maxPlayers()) {
                return r;
            }
        }
        return null;
    }

    /** Every node's matches, this node's first. */
    private List<Map<String, Object>> everyLobby() {
        List<Map<String, Object>> out = matches.lobby();
        cluster.matches().forEach(r -> out.add(r.row()));
        return out;
    }

    /** Other nodes' matches that ended (their node went, or the match did): this node's sockets in them are told. */
    private void matchesGone(List<String> gone, String reason) {
        for (var e : new ArrayList<>(seatedElsewhere.entrySet())) {
            Socket socket = e.getKey();
            Seat seat = e.getValue();
            if (gone.contains(seat.remoteMatch)) {
                String match = seat.remoteMatch;
                seatedElsewhere.remove(socket);
                socket.leave(room(match));
                seat.clear();
                socket.emit("ended", Map.of("match", match, "reason", reason));
            }
        }
    }

    static Map<String, Object> refusal(String event, String code, String message) {
        return Map.of("error", code, "message", message, "event", event);
    }

    /** Runs the liveness check as if at {@code now} (tests: a node's silence without waiting for it). */
    Future<Void> dropSilentNodes(long now) {
        Promise<Void> done = Promise.promise();
        home.runOnContext(v -> {
            cluster.dropSilent(now);
            done.complete();
        });
        return done.future();
    }

    /** Per-match counters for the stats endpoint and tests. */
    public Map<String, Object> describe() {
        return describe(TickStats.WINDOW);
    }

    /** Tick statistics over the last {@code lastTicks} ticks, matches and input counters. */
    public Map<String, Object> describe(int lastTicks) {
        Map<String, Object> out = new LinkedHashMap<>(stats.describe(lastTicks));
        out.put("matches", matches.lobby());
        long accepted = 0;
        long dropped = 0;
        long late = 0;
        for (Match m : matches.all()) {
            for (Match.Player p : m.players.values()) {
                if (!p.bot) {
                    accepted += p.accepted;
                    dropped += p.dropped;
                    late += p.late;
                }
            }
        }
        out.put("inputsApplied", accepted);
        out.put("inputsRefused", dropped);
        out.put("inputsTooLate", late);
        return out;
    }

    private static Object arg(List<Object> args, String key) {
        return !args.isEmpty() && args.get(0) instanceof Map<?, ?> m ? m.get(key) : null;
    }

    private static void ok(Ack ack, Map<String, Object> body) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.putAll(body);
        ack.send(out);
    }

    private static void fail(Socket socket, Ack ack, String event, String code, String message) {
        LOG.info("game {} from {} refused: {} ({})", event, socket.handshake().remoteAddress(), code, message);
        Map<String, Object> body = refusal(event, code, message);
        if (ack.requested()) {
            ack.send(body);
        } else {
            socket.emit("nagare:error", body);
        }
    }
}
