package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a broadcast ramp tells about a server's true limit: at least its max sustainable rate, and
 * below the next rate tried when that one failed. A ramp that ran out of its time budget may have
 * stopped before it found its limit, so a ratio of two maxima is then not exact: it is printed with
 * the range the two brackets allow.
 */
final class RampBounds {
    private RampBounds() {
    }

    /** The lowest failing step above the max, in target deliveries/s, or null (none, or no max). */
    static Long nextFailed(JsonObject run) {
        JsonObject best = run.getJsonObject("max");
        if (best == null) {
            return null;
        }
        Long next = null;
        JsonArray all = run.getJsonArray("steps", new JsonArray());
        for (int i = 0; i < all.size(); i++) {
            JsonObject s = all.getJsonObject(i);
            if (!s.getBoolean("pass") && !s.getBoolean("retried", false)
                    && s.getDouble("rateMsgsPerSec") > best.getDouble("rateMsgsPerSec")
                    && (next == null || s.getLong("targetDeliveriesPerSec") < next)) {
                next = s.getLong("targetDeliveriesPerSec");
            }
        }
        return next;
    }

    /** Whether the ramp ended on its time budget rather than on a confirmed limit. */
    static boolean stoppedEarly(JsonObject run) {
        JsonArray errors = run.getJsonArray("errors", new JsonArray());
        for (int i = 0; i < errors.size(); i++) {
            if (String.valueOf(errors.getValue(i)).contains("ramp stopped early")) {
                return true;
            }
        }
        return false;
    }

    /**
     * What follows a {@code Nagare / peer} ratio of maxima in the headline: nothing when the peer's
     * ramp found its limit; when it ran out of its time budget, the range the true ratio lies in
     * (Nagare's limit over the peer's, each between its max and its next rate tried) and why. The
     * peer's limit may be higher than its max, Nagare's too, so the measured ratio is neither a lower
     * nor an upper bound as such.
     */
    static String note(JsonObject nagare, JsonObject peer, String peerName) {
        Long a = max(nagare);
        Long b = max(peer);
        if (a == null || b == null || b == 0 || !stoppedEarly(peer)) {
            return "";
        }
        Long aNext = nextFailed(nagare);
        Long bNext = nextFailed(peer);
        String low = bNext == null ? null : Report.fmt((double) a / bNext) + "×";
        String high = aNext == null ? null : Report.fmt((double) aNext / b) + "×";
        String range = low != null && high != null ? "lies between " + low + " and " + high
                : low != null ? "is at least " + low : high != null ? "is at most " + high : "is not bounded";
        return " (not exact: " + peerName + "'s ramp ran out of its time budget"
                + (stoppedEarly(nagare) ? ", as Nagare's did" : "")
                + "; each limit lies between its max and the next rate tried, so the ratio " + range + ")";
    }

    private static Long max(JsonObject run) {
        return run == null || run.getJsonObject("max") == null ? null : run.getJsonObject("max").getLong("deliveriesPerSec");
    }
}
