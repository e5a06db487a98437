package dev.nagare.apps.game;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One match: players (people and bots), orbs to collect, and the authoritative simulation. Each
 * {@link #step} applies the players' queued inputs (never positions), moves bots, scores orbs, and
 * returns the state as a delta against the previous step (or whole, as a keyframe).
 *
 * <p>Snapshot wire form, positions in tenths of a unit: {@code {"t": tick, "b": baseTick,
 * "p": {id: {"x", "y", "s": score, "a": lastInputSeq, "n": name, "k": 1 if bot, "w": 1 if away}},
 * "g": [ids gone], "o": [[id, x, y]...] orbs added, "r": [orb ids removed]}}; a keyframe has
 * {@code "k": 1}, every player and every orb. In a delta a player lists only the fields that changed.
 * Home context only.
 */
final class Match {
    final String name;
    private final GameConfig config;
    private final SplittableRandom random = new SplittableRandom();
    final Map<Integer, Player> players = new LinkedHashMap<>();
    private final Map<Integer, double[]> orbs = new LinkedHashMap<>();
    private final List<Integer> orbsRemoved = new ArrayList<>();
    private final List<Integer> orbsAdded = new ArrayList<>();
    private final List<Integer> gone = new ArrayList<>();
    private final Map<Integer, int[]> lastSent = new HashMap<>(); // id -> {x10, y10, score, ack, away}
    private int nextPlayerId = 1;
    private int nextOrbId = 1;
    long tick;
    int spectators;

    Match(String name, GameConfig config) {
        this.name = name;
        this.config = config;
        for (int i = 0; i < Arena.ORBS; i++) {
            spawnOrb();
        }
        orbsAdded.clear();
    }

    /** A person or a bot in this match. */
    static final class Player {
        final int id;
        final String user;
        final boolean bot;
        double x;
        double y;
        int score;
        int lastSeq;
        double credit = 1;
        long awaySince; // 0 while connected (nanoTime otherwise)
        long accepted;
        long dropped;
        long late;
        final ArrayDeque<double[]> inputs = new ArrayDeque<>(); // {seq, dx, dy}

        Player(int id, String user, boolean bot, double x, double y) {
            this.id = id;
            this.user = user;
            this.bot = bot;
            this.x = x;
            this.y = y;
        }
    }

    int humans() {
        int n = 0;
        for (Player p : players.values()) {
            if (!p.bot) {
                n++;
            }
        }
        return n;
    }

    Player add(String user, boolean bot) {
        Player p = new Player(nextPlayerId++, user, bot, Arena.PLAYER_RADIUS + random.nextDouble() * (Arena.WIDTH - 2 * Arena.PLAYER_RADIUS),
                Arena.PLAYER_RADIUS + random.nextDouble() * (Arena.HEIGHT - 2 * Arena.PLAYER_RADIUS));
        players.put(p.id, p);
        return p;
    }

    void remove(int id) {
        if (players.remove(id) != null) {
            gone.add(id);
            lastSent.remove(id);
        }
    }

    Player humanNamed(String user) {
        for (Player p : players.values()) {
            if (!p.bot && p.user.equals(user)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Queues one input. Returns null when accepted, or why not: the sequence must increase, the
     * direction be finite numbers (its length is clamped to 1 when applied), and the queue not full.
     */
    String input(Player p, Object seqRaw, Object dxRaw, Object dyRaw) {
        String malformed = malformed(seqRaw, dxRaw, dyRaw);
        if (malformed != null) {
            p.dropped++;
            return malformed;
        }
        int seq = ((Number) seqRaw).intValue();
        Number dx = (Number) dxRaw;
        Number dy = (Number) dyRaw;
        double[] last = p.inputs.peekLast();
        if (seq <= (last != null ? (int) last[0] : p.lastSeq)) {
            p.dropped++;
            return "input sequence numbers must increase";
        }
        if (p.inputs.size() >= Arena.MAX_QUEUED) {
            p.dropped++;
            return "too many inputs: at most one per tick is used";
        }
        p.inputs.addLast(new double[] {seq, dx.doubleValue(), dy.doubleValue()});
        return null;
    }

    /**
     * Why an input can never be applied, whatever the match's state, or null: the part of the checks a
     * player's node makes before relaying an input to the node that runs the match.
     */
    static String malformed(Object seqRaw, Object dxRaw, Object dyRaw) {
        if (!(seqRaw instanceof Number s) || !(dxRaw instanceof Number dx) || !(dyRaw instanceof Number dy)
                || !Double.isFinite(dx.doubleValue()) || !Double.isFinite(dy.doubleValue())
                || s.doubleValue() != Math.rint(s.doubleValue()) || s.longValue() <= 0 || s.longValue() > Integer.MAX_VALUE) {
            return "an input is {s: increasing integer, x: number, y: number}";
        }
        if (Math.hypot(dx.doubleValue(), dy.doubleValue()) > 1.0001) {
            return "impossible input: the direction's length is at most 1 (full speed)";
        }
        return null;
    }

    /** One simulation step; returns the snapshot (a keyframe when {@code keyframe}). */
    Map<String, Object> step(boolean keyframe) {
        tick++;
        for (Player p : players.values()) {
            if (p.bot) {
                steerBot(p);
            }
            // Credit grows by one input per tick (plus 2% for a client clock that runs a little fast, so
            // that its inputs do not pile up into lag): however many arrive, nobody outruns the rules.
            p.credit = Math.min(Arena.MAX_CREDIT, p.credit + Arena.CREDIT_PER_TICK);
            // Inputs beyond what may be applied now, plus one spare for jitter, would only add lag:
            // the oldest go (the client's prediction is corrected by the next snapshot).
            int usable = (int) p.credit + 1;
            while (p.inputs.size() > usable) {
                p.inputs.pollFirst();
                p.late++;
            }
            while (p.credit >= 1 && !p.inputs.isEmpty()) {
                double[] in = p.inputs.pollFirst();
                double[] pos = Arena.move(p.x, p.y, in[1], in[2], config.tickHz());
                p.x = pos[0];
                p.y = pos[1];
                p.lastSeq = (int) in[0];
                p.credit--;
                p.accepted++;
            }
            collect(p);
        }
        return snapshot(keyframe);
    }

    private void steerBot(Player p) {
        double[] target = null;
        double best = Double.MAX_VALUE;
        for (double[] o : orbs.values()) {
            double d = Math.hypot(o[0] - p.x, o[1] - p.y);
            if (d < best) {
                best = d;
                target = o;
            }
        }
        double dx = target == null ? random.nextDouble() * 2 - 1 : target[0] - p.x;
        double dy = target == null ? random.nextDouble() * 2 - 1 : target[1] - p.y;
        double len = Math.max(1e-9, Math.hypot(dx, dy));
        // A little wobble, and bots are a bit slower than people.
        p.inputs.clear();
        p.inputs.add(new double[] {p.lastSeq + 1, 0.8 * dx / len + (random.nextDouble() - 0.5) * 0.3,
                0.8 * dy / len + (random.nextDouble() - 0.5) * 0.3});
    }

    private void collect(Player p) {
        for (var it = orbs.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (Math.hypot(e.getValue()[0] - p.x, e.getValue()[1] - p.y) < Arena.PLAYER_RADIUS + Arena.ORB_RADIUS) {
                it.remove();
                orbsRemoved.add(e.getKey());
                p.score++;
                spawnOrb();
                return;
            }
        }
    }

    private void spawnOrb() {
        int id = nextOrbId++;
        orbs.put(id, new double[] {Arena.ORB_RADIUS + random.nextDouble() * (Arena.WIDTH - 2 * Arena.ORB_RADIUS),
                Arena.ORB_RADIUS + random.nextDouble() * (Arena.HEIGHT - 2 * Arena.ORB_RADIUS)});
        orbsAdded.add(id);
    }

    /** The whole state, for a newcomer or a client that lost a delta. */
    Map<String, Object> keyframe() {
        Map<String, Object> snap = new LinkedHashMap<>();
        snap.put("t", tick);
        snap.put("k", 1);
        Map<String, Object> ps = new LinkedHashMap<>();
        for (Player p : players.values()) {
            ps.put(Integer.toString(p.id), full(p));
        }
        snap.put("p", ps);
        List<List<Integer>> os = new ArrayList<>();
        orbs.forEach((id, o) -> os.add(List.of(id, tenths(o[0]), tenths(o[1]))));
        snap.put("o", os);
        return snap;
    }

    private Map<String, Object> snapshot(boolean keyframe) {
        Map<String, Object> snap;
        if (keyframe) {
            snap = keyframe();
            lastSent.clear();
            for (Player p : players.values()) {
                lastSent.put(p.id, fields(p));
            }
        } else {
            snap = new LinkedHashMap<>();
            snap.put("t", tick);
            snap.put("b", tick - 1);
            Map<String, Object> ps = new LinkedHashMap<>();
            for (Player p : players.values()) {
                int[] now = fields(p);
                int[] before = lastSent.put(p.id, now);
                Map<String, Object> d = before == null ? full(p) : diff(before, now);
                if (!d.isEmpty()) {
                    ps.put(Integer.toString(p.id), d);
                }
            }
            snap.put("p", ps);
            if (!gone.isEmpty()) {
                snap.put("g", new ArrayList<>(gone));
            }
            if (!orbsAdded.isEmpty()) {
                List<List<Integer>> os = new ArrayList<>();
                for (int id : orbsAdded) {
                    double[] o = orbs.get(id);
                    if (o != null) {
                        os.add(List.of(id, tenths(o[0]), tenths(o[1])));
                    }
                }
                snap.put("o", os);
            }
            if (!orbsRemoved.isEmpty()) {
                snap.put("r", new ArrayList<>(orbsRemoved));
            }
        }
        gone.clear();
        orbsAdded.clear();
        orbsRemoved.clear();
        return snap;
    }

    private static int[] fields(Player p) {
        return new int[] {tenths(p.x), tenths(p.y), p.score, p.lastSeq, p.awaySince == 0 ? 0 : 1};
    }

    private static final String[] NAMES = {"x", "y", "s", "a", "w"};

    private static Map<String, Object> diff(int[] before, int[] now) {
        Map<String, Object> d = new LinkedHashMap<>();
        for (int i = 0; i < now.length; i++) {
            if (before[i] != now[i]) {
                d.put(NAMES[i], now[i]);
            }
        }
        return d;
    }

    private static Map<String, Object> full(Player p) {
        Map<String, Object> m = new LinkedHashMap<>();
        int[] f = fields(p);
        for (int i = 0; i < f.length; i++) {
            m.put(NAMES[i], f[i]);
        }
        m.put("n", p.user);
        if (p.bot) {
            m.put("k", 1);
        }
        return m;
    }

    private static int tenths(double v) {
        return (int) Math.round(v * 10);
    }
}
