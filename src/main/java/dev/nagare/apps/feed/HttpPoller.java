package dev.nagare.apps.feed;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a JSON document every {@code interval} seconds and turns the fields it names (by JSON
 * Pointer, RFC 6901) into one sample: the guide's Exercise 5, "fetch data from any source
 * periodically". Responses are bounded (1 MB, 10 s); a failure is logged once when it starts and
 * once when it ends, not on every poll. Event-loop only.
 */
final class HttpPoller implements FeedSource {
    private static final Logger LOG = LoggerFactory.getLogger(HttpPoller.class);
    static final int MAX_BYTES = 1024 * 1024;
    static final long TIMEOUT_MS = 10_000;

    private final FeedSpec spec;
    private HttpClient client;
    private Context home;
    private long timer = -1;
    private boolean polling;
    private String problem;

    HttpPoller(FeedSpec spec) {
        this.spec = spec;
    }

    @Override
    public void start(Context home, Consumer<FeedSample> sink) {
        this.home = home;
        client = home.owner().createHttpClient(new HttpClientOptions().setConnectTimeout((int) TIMEOUT_MS)
                .setTrustAll(false).setVerifyHost(true));
        poll(sink);
        timer = home.owner().setPeriodic(spec.intervalSeconds() * 1000L, id -> poll(sink));
    }

    @Override
    public void stop() {
        if (timer >= 0) {
            home.owner().cancelTimer(timer);
        }
        if (client != null) {
            client.close();
        }
    }

    @Override
    public String status() {
        return problem == null ? "polling " + spec.url() + " every " + spec.intervalSeconds() + " s" : problem;
    }

    private void poll(Consumer<FeedSample> sink) {
        if (polling) {
            return; // the previous poll is still running: skip rather than pile up
        }
        polling = true;
        RequestOptions req = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(spec.url())
                .setTimeout(TIMEOUT_MS).setFollowRedirects(false).putHeader("Accept", "application/json");
        client.request(req)
                .compose(r -> r.send())
                .compose(res -> {
                    if (res.statusCode() != 200) {
                        return Future.failedFuture("HTTP " + res.statusCode());
                    }
                    String length = res.getHeader("Content-Length");
                    if (length != null && Long.parseLong(length) > MAX_BYTES) {
                        return Future.failedFuture("response larger than 1 MB");
                    }
                    Buffer body = Buffer.buffer();
                    res.handler(chunk -> {
                        if (body.length() + chunk.length() > MAX_BYTES) {
                            res.request().reset();
                        } else {
                            body.appendBuffer(chunk);
                        }
                    });
                    return res.end().map(v -> body);
                })
                .map(this::sample)
                .onComplete(ar -> {
                    polling = false;
                    if (ar.succeeded()) {
                        if (problem != null) {
                            LOG.info("Feed {}: polling {} works again", spec.name(), spec.url());
                            problem = null;
                        }
                        sink.accept(ar.result());
                    } else {
                        String now = "last poll failed: " + ar.cause().getMessage();
                        if (problem == null) {
                            LOG.warn("Feed {}: polling {} failed: {} (retrying every {} s)", spec.name(), spec.url(),
                                    ar.cause().getMessage(), spec.intervalSeconds());
                        }
                        problem = now;
                    }
                });
    }

    private FeedSample sample(Buffer body) {
        Object doc = Json.decodeValue(body);
        Object root = doc instanceof Map<?, ?> m ? new JsonObject(castMap(m)) : doc;
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : spec.fields().entrySet()) {
            Object v = JsonPointer.from(f.getValue()).queryJson(root);
            if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                values.put(f.getKey(), n.doubleValue());
            } else if (v instanceof Boolean || v instanceof String s && s.length() <= FeedSample.MAX_STRING) {
                values.put(f.getKey(), v);
            }
        }
        if (values.isEmpty()) {
            throw new IllegalStateException("none of the fields' JSON Pointers matched a number, string or boolean");
        }
        return new FeedSample(System.currentTimeMillis(), values);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
