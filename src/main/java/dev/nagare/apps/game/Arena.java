package dev.nagare.apps.game;

/**
 * The rules both sides run: the server to decide, the page to predict its own avatar. The page gets
 * these numbers in the join answer, so the two cannot drift apart.
 */
final class Arena {
    static final double WIDTH = 1600;
    static final double HEIGHT = 900;
    /** Units per second at full stick. */
    static final double SPEED = 240;
    static final double PLAYER_RADIUS = 18;
    static final double ORB_RADIUS = 9;
    static final int ORBS = 24;
    /** Inputs a player may have applied ahead of the ticks (absorbs network jitter); more never speeds them up. */
    static final int MAX_CREDIT = 4;
    /** Inputs earned per tick: one, and 2% for client clocks that run fast (a 2% speed-up at most). */
    static final double CREDIT_PER_TICK = 1.02;
    /** Inputs waiting per player; a flood beyond this is dropped and counted. */
    static final int MAX_QUEUED = 8;

    private Arena() {
    }

    /** One input's move: direction clamped to length 1, one tick's worth of speed, kept inside the arena. */
    static double[] move(double x, double y, double dx, double dy, int tickHz) {
        double len = Math.hypot(dx, dy);
        if (len > 1) {
            dx /= len;
            dy /= len;
        }
        double step = SPEED / tickHz;
        double nx = clamp(x + dx * step, PLAYER_RADIUS, WIDTH - PLAYER_RADIUS);
        double ny = clamp(y + dy * step, PLAYER_RADIUS, HEIGHT - PLAYER_RADIUS);
        return new double[] {nx, ny};
    }

    static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
