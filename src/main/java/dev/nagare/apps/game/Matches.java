package dev.nagare.apps.game;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The matches this node runs, and the rules that seat people in them (the same for a socket of this
 * node and one another node relays). Home context only.
 */
final class Matches {
    static final int MAX_MATCHES = 100;

    private final GameConfig config;
    private final String prefix;
    private final Map<String, Match> byName = new LinkedHashMap<>();
    private int next = 1;

    /** {@code prefix}: the start of each match's name (in a cluster it carries the node's, so names never clash). */
    Matches(GameConfig config, String prefix) {
        this.config = config;
        this.prefix = prefix;
    }

    Match get(String name) {
        return byName.get(name);
    }

    /** In the order they started; the tick removes the ones that ended through this view. */
    Collection<Match> all() {
        return byName.values();
    }

    /** A new match, or null when this node runs its maximum. */
    Match start() {
        if (byName.size() >= MAX_MATCHES) {
            return null;
        }
        Match m = new Match(prefix + next++, config);
        byName.put(m.name, m);
        return m;
    }

    void clear() {
        byName.clear();
    }

    Match firstWithRoom() {
        for (Match m : byName.values()) {
            if (m.humans() < config.maxPlayers()) {
                return m;
            }
        }
        return null;
    }

    /** A player's slot in {@code m} (theirs again if they come back within the grace period), or null when full. */
    Match.Player seat(Match m, String user) {
        Match.Player p = m.humanNamed(user);
        if (p == null) {
            if (m.humans() >= config.maxPlayers()) {
                return null;
            }
            p = m.add(user, false);
        }
        p.awaySince = 0;
        fillWithBots(m);
        return p;
    }

    String full(Match m) {
        return "Match " + m.name + " has its " + config.maxPlayers() + " players; spectate it.";
    }

    /** Keeps at least {@code bots} players in a match people play in: bots join, and leave as people come. */
    void fillWithBots(Match m) {
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

    /** The answer to a join ({@code p} the player) or a spectate ({@code p} null), without "ok". */
    Map<String, Object> joined(Match m, Match.Player p) {
        return p == null ? Map.of("match", m.name, "rules", rules(), "snapshot", m.keyframe())
                : Map.of("match", m.name, "you", p.id, "rules", rules(), "snapshot", m.keyframe());
    }

    private Map<String, Object> rules() {
        return Map.of("tickHz", config.tickHz(), "width", Arena.WIDTH, "height", Arena.HEIGHT, "speed", Arena.SPEED,
                "playerRadius", Arena.PLAYER_RADIUS, "orbRadius", Arena.ORB_RADIUS);
    }

    /** This node's matches as the lobby shows them. */
    List<Map<String, Object>> lobby() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Match m : byName.values()) {
            out.add(Map.of("match", m.name, "players", m.humans(), "bots", m.players.size() - m.humans(),
                    "spectators", m.spectators, "maxPlayers", config.maxPlayers()));
        }
        return out;
    }
}
