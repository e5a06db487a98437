package dev.nagare.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What administrators did: one log line per action on the logger {@code dev.nagare.audit} (route it
 * to a file of its own in Logback), and the last {@value #KEPT} actions in memory for the console.
 * Never a password or a token's secret. Thread-safe.
 */
public final class AuditLog {
    static final int KEPT = 200;
    private static final Logger LOG = LoggerFactory.getLogger("dev.nagare.audit");

    private final Deque<JsonObject> recent = new ArrayDeque<>();

    /** {@code who} did {@code action} to {@code target} from {@code address}; {@code ok} says whether it took. */
    public void record(String who, String address, String action, String target, boolean ok) {
        LOG.info("admin={} address={} action={} target={} result={}", who, address, action, target, ok ? "ok" : "refused");
        JsonObject entry = new JsonObject().put("at", System.currentTimeMillis()).put("admin", who).put("address", address)
                .put("action", action).put("target", target).put("ok", ok);
        synchronized (recent) {
            recent.addFirst(entry);
            while (recent.size() > KEPT) {
                recent.removeLast();
            }
        }
    }

    /** Newest first. */
    public JsonArray recent() {
        synchronized (recent) {
            JsonArray out = new JsonArray();
            recent.forEach(e -> out.add(e.copy()));
            return out;
        }
    }
}
