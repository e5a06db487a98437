package dev.nagare.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key}: a call retried with the same key (by the same user, on the same path)
 * acts once; the retry gets the first call's answer, or waits for it while it runs. Keys are kept
 * for {@code window} after their first use, at most {@code max} of them (the oldest go first), so
 * a retry must come within the window. A failed call is forgotten: its retry runs again. Kept per
 * node: in a cluster, a retry that lands on another node acts again (the load balancer's sticky
 * cookie keeps one client on one node). Thread-safe: calls come from every event loop of the main port.
 */
final class IdempotencyKeys {
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");

    private record Kept(Future<JsonObject> result, long at) {
    }

    private final long windowMs;
    private final int max;
    private final Map<String, Kept> keys = new LinkedHashMap<>(); // oldest first; guarded by this

    IdempotencyKeys(Duration window, int max) {
        this.windowMs = window.toMillis();
        this.max = max;
    }

    /** The key as sent, if it is 1 to 128 visible ASCII characters; else a refusal. */
    static String check(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new EmitRoutes.Refusal(400, "Idempotency-Key must be 1 to 128 visible ASCII characters.");
        }
        return key;
    }

    Future<JsonObject> once(String key, Supplier<Future<JsonObject>> action) {
        long now = System.currentTimeMillis();
        Promise<JsonObject> first = Promise.promise();
        synchronized (this) {
            for (var it = keys.values().iterator(); it.hasNext(); ) {
                Kept k = it.next();
                if (k.at() > now - windowMs && keys.size() <= max) {
                    break;
                }
                it.remove();
            }
            Kept kept = keys.get(key);
            if (kept != null) {
                return kept.result();
            }
            keys.put(key, new Kept(first.future(), now));
        }
        // The action runs outside the lock; a retry meanwhile waits for its answer.
        Future<JsonObject> result;
        try {
            result = action.get();
        } catch (RuntimeException e) {
            forget(key, first.future());
            throw e;
        }
        result.onComplete(first);
        first.future().onFailure(e -> forget(key, first.future()));
        return first.future();
    }

    private synchronized void forget(String key, Future<JsonObject> result) {
        Kept kept = keys.get(key);
        if (kept != null && kept.result() == result) {
            keys.remove(key);
        }
    }
}
