package dev.nagare.apps.game;

/**
 * What a socket occupies: a player's slot or a spectator's place in a match this node runs
 * ({@link #match}), or in one another node runs ({@link #node}, {@link #remoteMatch}). The node that
 * runs a match also keeps one for each socket of another node seated in it. Home context only.
 */
final class Seat {
    Match match;
    Match.Player player;
    boolean spectating;
    /** The node running the match, when it is another one. */
    String node;
    String remoteMatch;
    /** Bumped by every join, spectate and leave, so that a late answer from another node is recognised. */
    int generation;
    // Relayed inputs: the cheap checks made here before one crosses the cluster.
    private long lastSeq;
    private double tokens = Arena.MAX_QUEUED;
    private long tokensAt = System.nanoTime();
    private long resyncAt;
    long refused;

    boolean remote() {
        return node != null;
    }

    /** The match's name, wherever it runs; null when seatless. */
    String matchName() {
        return match != null ? match.name : remoteMatch;
    }

    void seatRemote(String owner, String name, boolean spectate) {
        node = owner;
        remoteMatch = name;
        spectating = spectate;
        lastSeq = 0;
        refused = 0;
    }

    /**
     * Whether a resync may be relayed now: at most two a second (the page's own pace), since each
     * makes the owner send a keyframe through Redis.
     */
    boolean resyncDue() {
        long now = System.nanoTime();
        if (resyncAt != 0 && now - resyncAt < 500_000_000L) {
            return false;
        }
        resyncAt = now;
        return true;
    }

    void clear() {
        match = null;
        player = null;
        spectating = false;
        node = null;
        remoteMatch = null;
        generation++;
    }

    /**
     * Whether an input for a match on another node may be relayed: well formed, a sequence number
     * above the last relayed, and within a budget of twice the tick rate (bursts of
     * {@link Arena#MAX_QUEUED}), so that a flood stops here rather than crossing the cluster. The
     * node running the match applies its own rules as for its own players. Returns why not, or null.
     */
    String relayable(Object s, Object x, Object y, int tickHz) {
        String why = Match.malformed(s, x, y);
        if (why == null && ((Number) s).longValue() <= lastSeq) {
            why = "input sequence numbers must increase";
        }
        if (why == null) {
            long now = System.nanoTime();
            tokens = Math.min(Arena.MAX_QUEUED, tokens + (now - tokensAt) * 2.0 * tickHz / 1e9);
            tokensAt = now;
            if (tokens < 1) {
                why = "too many inputs: at most one per tick is used";
            } else {
                tokens--;
                lastSeq = ((Number) s).longValue();
            }
        }
        if (why != null) {
            refused++;
        }
        return why;
    }
}
