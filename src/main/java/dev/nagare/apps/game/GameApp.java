package dev.nagare.apps.game;

import dev.nagare.auth.Principal;
import dev.nagare.auth.socketio.SocketIoGuard;
import dev.nagare.socketio.Ack;
import dev.nagare.socketio.ConnectMiddleware;
import dev.nagare.socketio.Namespace;
import dev.nagare.socketio.Socket;
import dev.nagare.socketio.SocketIoServer;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The arena game on namespace {@code /game}. Client events (acked with {@code {"ok":true,...}} or
 * {@code {"error","message"}}): {@code lobby {}} → matches; {@code join {match?}} → a slot in that
 * match (or the first with room, or a new one): {@code {match, you, rules, snapshot}};
 * {@code spectate {match}}; {@code leave {}}; {@code input {s, x, y}} (no ack; a sequence number and
 * a direction of length ≤ 1); {@code resync {}} → a keyframe; {@code ping {}} → {@code {t}} for the
 * RTT readout. The server sends {@code s} snapshots (see {@link Match}) to each match's room as
 * volatile packets, encoded once per tick for everyone, a keyframe every second.
 *
 * <p>All game state is on the home context; the tick is a self-correcting timer there, and a tick of
 * a 200-player match takes well under a millisecond, so the event loop is never held up.
 */
public final class GameApp {
    private static final Logger LOG = LoggerFactory.getLogger(GameApp.class);
    public static final String NAMESPACE = "/game";
    static final int MAX_MATCHES = 100;

    private final Namespace ns;
    private final GameConfig config;
    private final Context home;
    private final Map<String, Match> matches = new LinkedHashMap<>();
    private final TickStats stats;
    private int nextMatch = 1;
    private long started;
    private long ticks;

    private GameApp(Namespace ns, GameConfig config, Context home) {
        this.ns = ns;
        this.config = config;
        this.home = home;
        this.stats = new TickStats(config.tickHz());
    }

    /** Opens {@code /game} behind {@code auth} and starts the tick. Call on the home context. */
    public static GameApp install(SocketIoServer io, ConnectMiddleware auth, GameConfig config, Context home) {
        GameApp app = new GameApp(io.of(NAMESPACE).use(auth), config, home);
        app.ns.onConnection(app::connected);
        app.started = System.nanoTime();
        app.schedule();
        return app;
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
        for (var it = matches.values().iterator(); it.hasNext(); ) {
            Match m = it.next();
            for (Match.Player p : new ArrayList<>(m.players.values())) {
                if (p.awaySince != 0 && now - p.awaySince > config.grace().toNanos()) {
                    m.remove(p.id); // did not come back in time
                }
            }
            fillWithBots(m);
            if (m.humans() == 0 && m.spectators == 0) {
                LOG.info("Match {} ended: nobody left", m.name);
                it.remove();
                continue;
            }
            ns.to(room(m)).volatile_().emit("s", m.step(keyframe));
        }
    }

    /** Keeps at least {@code bots} players in a match people play in: bots join, and leave as people come. */
    private void fillWithBots(Match m) {
        int humans = m.humans();
        int bots = m.players.size() - humans;
        int wanted = humans == 0 ? 0 : Math.max(0, Math.min(config.bots() + 1 - humans, config.maxPlayers() - humans));
        for (; bots < wanted; bots++) {
            m.add("bot-" + (m.players.size() + 1), true);
        }
        if (bots > wanted) {
            for (Match.Player p : new ArrayList<>(m.players.values())) {
                if (p.bot && bots-- > wanted) {
                    m.remove(p.id);
                }
            }
        }
    }

    private static String room(Match m) {
        return "match:" + m.name;
    }

    // ---- sockets ----

    private void connected(Socket socket) {
        Principal principal = SocketIoGuard.principal(socket);
        String user = principal == null ? "?" : principal.username();
        Seat seat = new Seat();
        socket.on("lobby", (args, ack) -> ok(ack, Map.of("matches", lobby())));
        socket.on("join", (args, ack) -> join(socket, principal, seat, arg(args, "match"), ack));
        socket.on("spectate", (args, ack) -> {
            Match m = matches.get(String.valueOf(arg(args, "match")));
            if (m == null) {
                fail(socket, ack, "spectate", "not_found", "No such match; ask 'lobby' for the list.");
                return;
            }
            leave(socket, seat);
            seat.match = m;
            seat.spectating = true;
            m.spectators++;
            socket.join(room(m));
            ok(ack, Map.of("match", m.name, "rules", rules(), "snapshot", m.keyframe()));
        });
        socket.on("leave", (args, ack) -> {
            leave(socket, seat);
            ok(ack, Map.of());
        });
        socket.on("input", (args, ack) -> {
            if (seat.player == null) {
                return; // spectators and the seatless have nothing to steer; inputs are not acked
            }
            Object raw = args.isEmpty() ? null : args.get(0);
            Map<?, ?> in = raw instanceof Map<?, ?> m ? m : Map.of();
            String refused = seat.match.input(seat.player, in.get("s"), in.get("x"), in.get("y"));
            if (refused != null && seat.player.dropped % 100 == 1) {
                // One line per hundred refusals: a flood is visible in the log without flooding it.
                LOG.info("game input from {} refused ({} so far): {}", user, seat.player.dropped, refused);
                socket.emit("nagare:error", Map.of("event", "input", "error", "refused", "message", refused));
            }
        });
        socket.on("resync", (args, ack) -> {
            if (seat.match != null) {
                socket.emit("s", seat.match.keyframe());
            }
        });
        socket.on("ping", (args, ack) -> ok(ack, Map.of("t", System.currentTimeMillis())));
        socket.onDisconnect(reason -> {
            if (seat.player != null) {
                seat.player.awaySince = System.nanoTime(); // the slot waits for the grace period
            }
            if (seat.spectating && seat.match != null) {
                seat.match.spectators--;
            }
        });
    }

    /** What a socket occupies. */
    private static final class Seat {
        Match match;
        Match.Player player;
        boolean spectating;
    }

    private void join(Socket socket, Principal principal, Seat seat, Object wanted, Ack ack) {
        if (principal == null) {
            fail(socket, ack, "join", "forbidden", "Log in to play.");
            return;
        }
        Match m = wanted == null ? firstWithRoom() : matches.get(String.valueOf(wanted));
        if (m == null && wanted != null) {
            fail(socket, ack, "join", "not_found", "No such match; ask 'lobby' for the list.");
            return;
        }
        if (m == null) {
            if (matches.size() >= MAX_MATCHES) {
                fail(socket, ack, "join", "full", "Every match is full and this server runs its maximum of " + MAX_MATCHES + ".");
                return;
            }
            m = new Match("arena-" + nextMatch++, config);
            matches.put(m.name, m);
            LOG.info("Match {} started", m.name);
        }
        if (!principal.may("publish", "game/" + m.name)) {
            fail(socket, ack, "join", "forbidden", "Playing needs the right publish:game/" + m.name + "; spectate instead.");
            return;
        }
        leave(socket, seat);
        // The same person coming back within the grace period gets their avatar and score back.
        Match.Player p = m.humanNamed(principal.username());
        if (p == null) {
            if (m.humans() >= config.maxPlayers()) {
                fail(socket, ack, "join", "full", "Match " + m.name + " has its " + config.maxPlayers() + " players; spectate it.");
                return;
            }
            p = m.add(principal.username(), false);
        }
        p.awaySince = 0;
        seat.match = m;
        seat.player = p;
        socket.join(room(m));
        fillWithBots(m);
        ok(ack, Map.of("match", m.name, "you", p.id, "rules", rules(), "snapshot", m.keyframe()));
    }

    private void leave(Socket socket, Seat seat) {
        if (seat.match == null) {
            return;
        }
        socket.leave(room(seat.match));
        if (seat.player != null) {
            seat.match.remove(seat.player.id);
        }
        if (seat.spectating) {
            seat.match.spectators--;
        }
        seat.match = null;
        seat.player = null;
        seat.spectating = false;
    }

    private Match firstWithRoom() {
        for (Match m : matches.values()) {
            if (m.humans() < config.maxPlayers()) {
                return m;
            }
        }
        return null;
    }

    private List<Map<String, Object>> lobby() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Match m : matches.values()) {
            out.add(Map.of("match", m.name, "players", m.humans(), "bots", m.players.size() - m.humans(),
                    "spectators", m.spectators, "maxPlayers", config.maxPlayers()));
        }
        return out;
    }

    private Map<String, Object> rules() {
        return Map.of("tickHz", config.tickHz(), "width", Arena.WIDTH, "height", Arena.HEIGHT, "speed", Arena.SPEED,
                "playerRadius", Arena.PLAYER_RADIUS, "orbRadius", Arena.ORB_RADIUS);
    }

    /** Per-match counters for the stats endpoint and tests. */
    public Map<String, Object> describe() {
        return describe(TickStats.WINDOW);
    }

    /** Tick statistics over the last {@code lastTicks} ticks, matches and input counters. */
    public Map<String, Object> describe(int lastTicks) {
        Map<String, Object> out = new LinkedHashMap<>(stats.describe(lastTicks));
        out.put("matches", lobby());
        long accepted = 0;
        long dropped = 0;
        long late = 0;
        for (Match m : matches.values()) {
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
        Map<String, Object> body = Map.of("error", code, "message", message, "event", event);
        if (ack.requested()) {
            ack.send(body);
        } else {
            socket.emit("nagare:error", body);
        }
    }
}
