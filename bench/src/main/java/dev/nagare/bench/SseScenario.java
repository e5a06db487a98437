package dev.nagare.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * SSE fan-out: {@code --clients} EventSource-like readers of {@code /sse/bench}; the load generator
 * publishes with {@code POST /api/sse/bench}, each event carrying its send time, at each rate of
 * {@code --rates} in turn (the headline is {@code --rate}). Reports per rate the latency from
 * publish to each reader and whether every reader got every event. The publish API allows a user
 * 100 events/s, so rates stay under that.
 */
public final class SseScenario {
    private static final long HIGHEST_US = 60_000_000L;
    private static final long BASE = System.nanoTime();

    private final int port;
    private final String token;
    private final int clients;
    private final double rate;
    private final List<Double> rates;
    private final double seconds;
    private final Path out;
    private final Recorder latency = new Recorder(HIGHEST_US, 3);
    private final LongAdder received = new LongAdder();
    private volatile boolean measuring;

    private SseScenario(Opts o) throws Exception {
        port = o.integer("port", 0);
        token = Files.readString(Path.of(o.required("token-file"))).trim();
        clients = o.integer("clients", 1000);
        rate = o.dbl("rate", 50);
        rates = o.ascending("rates", "10,25," + rate + ",90");
        if (rates.get(rates.size() - 1) > 1000) {
            throw new IllegalArgumentException("--rates: at most 1000 events/s (the publish API allows 100 per user)");
        }
        seconds = o.dbl("seconds", 5);
        out = o.has("out") ? Path.of(o.str("out", "")) : null;
    }

    public static void main(String[] args) throws Exception {
        System.exit(new SseScenario(Opts.parse(args, 0)).run());
    }

    private int run() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
                .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(clients + 8));
        // A channel exists once something is published to it; followers of one that does not exist
        // yet are held apart and capped per user. Create it first, as a publisher in production would.
        http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/sse/bench")
                        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json"))
                .compose(req -> req.send(new JsonObject().put("data", "open").encode()))
                .await(10, TimeUnit.SECONDS);
        List<Future<Void>> open = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            open.add(http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/sse/bench")
                            .putHeader("Authorization", "Bearer " + token))
                    .compose(r -> r.send()).map(res -> {
                        StringBuilder carry = new StringBuilder(); // a line cut between two reads
                        res.handler(chunk -> scan(carry, chunk));
                        return (Void) null;
                    }));
        }
        Future.all(open).await(60, TimeUnit.SECONDS);
        System.out.printf(Locale.ROOT, "sse: %d readers connected%n", clients);
        JsonArray steps = new JsonArray();
        JsonObject headline = null;
        for (double r : rates) {
            JsonObject st = step(vertx, http, r);
            steps.add(st);
            System.out.println("BENCH_STEP " + st.encode());
            if (r == rate) {
                headline = st;
            }
        }
        if (headline == null) {
            headline = steps.getJsonObject(steps.size() - 1);
        }
        boolean all = true;
        for (int i = 0; i < steps.size(); i++) {
            all &= steps.getJsonObject(i).getBoolean("everyReaderGotEveryEvent");
        }
        JsonObject result = new JsonObject().put("scenario", "sse").put("server", "nagare").put("date", Instant.now().toString())
                .put("clients", clients).put("rate", headline.getDouble("rate")).put("seconds", seconds)
                .put("published", headline.getLong("published"))
                .put("deliveriesPerSecond", headline.getLong("deliveriesPerSecond"))
                .put("latencyMs", new JsonObject().put("p50", headline.getDouble("p50Ms"))
                        .put("p99", headline.getDouble("p99Ms")).put("max", headline.getDouble("maxMs")))
                .put("everyReaderGotEveryEvent", all)
                .put("steps", steps);
        System.out.println("BENCH_RESULT " + result.encode());
        if (out != null) {
            Files.writeString(out, result.encodePrettily());
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        return 0;
    }

    /**
     * Publishes {@code r} events/s: 1 s to settle, {@code seconds} measured, then 1.5 s for the last
     * events to arrive; every reader must have got every event published in the step.
     */
    private JsonObject step(Vertx vertx, HttpClient http, double r) throws InterruptedException {
        long period = Math.max(1, Math.round(1000 / r));
        LongAdder published = new LongAdder();
        LongAdder refused = new LongAdder();
        long r0 = received.sum();
        long timer = vertx.setPeriodic(period, id -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
                        .setURI("/api/sse/bench").putHeader("Authorization", "Bearer " + token)
                        .putHeader("Content-Type", "application/json"))
                .compose(req -> req.send(new JsonObject().put("data", "t=" + (System.nanoTime() - BASE)).encode()))
                .onSuccess(res -> (res.statusCode() == 202 ? published : refused).increment()));
        Thread.sleep(1000);
        latency.reset();
        long m0 = received.sum();
        measuring = true;
        long t0 = System.nanoTime();
        Thread.sleep(Math.round(seconds * 1000));
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long m1 = received.sum();
        measuring = false;
        vertx.cancelTimer(timer);
        Thread.sleep(1500);
        Histogram h = latency.getIntervalHistogram();
        return new JsonObject().put("rate", r).put("published", published.sum()).put("refused", refused.sum())
                .put("deliveriesPerSecond", Math.round((m1 - m0) / elapsed))
                .put("p50Ms", h.getValueAtPercentile(50) / 1000.0).put("p99Ms", h.getValueAtPercentile(99) / 1000.0)
                .put("maxMs", h.getMaxValue() / 1000.0)
                .put("missing", Math.max(0, published.sum() * clients - (received.sum() - r0)))
                .put("everyReaderGotEveryEvent", received.sum() - r0 >= published.sum() * clients);
    }

    /**
     * Finds the "data: t=<nanos>" lines of one reader's stream. TCP may cut the stream anywhere, so
     * the text after the last line break waits in {@code carry} for the next chunk.
     */
    private void scan(StringBuilder carry, Buffer chunk) {
        carry.append(chunk.toString());
        int end = carry.lastIndexOf("\n");
        if (end < 0) {
            return;
        }
        String s = carry.substring(0, end + 1);
        carry.delete(0, end + 1);
        int at = 0;
        while ((at = s.indexOf("data: t=", at)) >= 0) {
            long t = 0;
            int j = at + 8;
            while (j < s.length() && Character.isDigit(s.charAt(j))) {
                t = t * 10 + (s.charAt(j++) - '0');
            }
            received.increment();
            if (measuring) {
                latency.recordValue(Math.max(1, Math.min(HIGHEST_US, (System.nanoTime() - BASE - t) / 1000)));
            }
            at = j;
        }
    }
}
