package dev.nagare.hooks;

import dev.nagare.web.RefusalLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connect and publish proxy hooks (Centrifugo's idea): before a Socket.IO connect is admitted or a chat
 * message is stored, it is POSTed as JSON to a backend, whose answer decides.
 *
 * <pre>
 * connect → {"kind":"connect","user":"alice","namespace":"/chat","address":"10.0.0.7"}
 * publish → {"kind":"publish","user":"alice","room":"general","text":"hello"}
 * ← 200 {"result":"allow"}                          accepted as is
 * ← 200 {"result":"allow","text":"hello, world"}    publish only: stored with this text instead
 * ← 200 {"result":"refuse","reason":"muted"}        refused, the client is told the reason
 * </pre>
 *
 * <p>Anything else (no answer within the timeout, another status, a body over {@value #MAX_REPLY}
 * bytes or not a verdict) is a failure, and the configured failure mode decides: refused ("the check
 * is unavailable") or accepted. Non-blocking: Vert.x's HTTP client on the caller's context.
 */
public final class ProxyHooks {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyHooks.class);
    private static final RefusalLog FAILURES = new RefusalLog(LOG);
    /** Largest reply read. */
    public static final int MAX_REPLY = 64 * 1024;
    /** The reason a client is given when the backend failed and the failure mode refuses. */
    public static final String UNAVAILABLE = "the check is unavailable; try again";
    /** None configured: everything is allowed, nothing is sent. */
    public static final ProxyHooks NONE = new ProxyHooks(null, null);

    private final HookConfig config;
    private final HttpClient http;

    public ProxyHooks(Vertx vertx, HookConfig config) {
        this.config = config;
        this.http = config == null ? null : vertx.createHttpClient();
    }

    public boolean checksConnects() {
        return config != null && config.connectUrl() != null;
    }

    public boolean checksPublishes() {
        return config != null && config.publishUrl() != null;
    }

    /** The verdict on a connect of {@code user} to {@code namespace}; allowed when no connect hook is set. */
    public Future<HookVerdict> connect(String user, String namespace, String address) {
        if (!checksConnects()) {
            return Future.succeededFuture(HookVerdict.ALLOW);
        }
        return ask(config.connectUrl(), new JsonObject().put("kind", "connect").put("user", user)
                .put("namespace", namespace).put("address", address), false);
    }

    /** The verdict on a chat message; allowed when no publish hook is set. */
    public Future<HookVerdict> publish(String user, String room, String text) {
        if (!checksPublishes()) {
            return Future.succeededFuture(HookVerdict.ALLOW);
        }
        return ask(config.publishUrl(), new JsonObject().put("kind", "publish").put("user", user)
                .put("room", room).put("text", text), true);
    }

    private Future<HookVerdict> ask(URI url, JsonObject body, boolean mayRewrite) {
        long ms = config.timeout().toMillis();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url.toString())
                .setConnectTimeout(ms).setIdleTimeout(ms).putHeader("Content-Type", "application/json");
        return http.request(options)
                .compose(req -> req.send(body.toBuffer()))
                .compose(res -> read(res))
                .timeout(ms, TimeUnit.MILLISECONDS)
                .map(reply -> verdict(reply, mayRewrite))
                .recover(e -> {
                    FAILURES.info("hook", "The {} hook at {} failed ({}); {}", body.getString("kind"), url,
                            e.getMessage() == null ? e.toString() : e.getMessage(),
                            config.failOpen() ? "accepting (--proxy-failure allow)" : "refusing (--proxy-failure refuse)");
                    return Future.succeededFuture(config.failOpen() ? HookVerdict.ALLOW : HookVerdict.refuse(UNAVAILABLE));
                });
    }

    private static Future<Buffer> read(HttpClientResponse res) {
        if (res.statusCode() != 200) {
            return Future.failedFuture("HTTP " + res.statusCode());
        }
        String length = res.getHeader("Content-Length");
        if (length != null && length.length() < 12 && Long.parseLong(length.strip()) > MAX_REPLY) {
            return Future.failedFuture("a reply over " + MAX_REPLY + " bytes");
        }
        return res.body().compose(b -> b.length() > MAX_REPLY ? Future.failedFuture("a reply over " + MAX_REPLY + " bytes")
                : Future.succeededFuture(b));
    }

    /** The verdict a reply states; throws (a failure) on anything else. */
    static HookVerdict verdict(Buffer reply, boolean mayRewrite) {
        JsonObject json;
        try {
            json = new JsonObject(reply);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("a reply that is not a JSON object");
        }
        Object result = json.getValue("result");
        Object reason = json.getValue("reason");
        Object text = json.getValue("text");
        if ("allow".equals(result) && (text == null || mayRewrite && text instanceof String)) {
            return new HookVerdict(true, null, (String) text);
        }
        if ("refuse".equals(result) && (reason == null || reason instanceof String)) {
            String r = reason == null || ((String) reason).isBlank() ? "refused" : (String) reason;
            return HookVerdict.refuse(r.length() > 200 ? r.substring(0, 200) : r);
        }
        throw new IllegalArgumentException("a reply that is not {\"result\":\"allow\"|\"refuse\", ...}");
    }
}
