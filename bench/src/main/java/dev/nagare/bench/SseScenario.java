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
 * publishes {@code --rate} events/s with {@code POST /api/sse/bench}, each carrying its send time.
 * Reports the latency from publish to each reader and whether every reader got every event.
 */
public final class SseScenario {
    private static final long HIGHEST_US = 60_000_000L;
    private static final long BASE = System.nanoTime();

    private final int port;
    private final String token;
    private final int clients;
    private final double rate;
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
        seconds = o.dbl("seconds", 10);
        out = o.has("out") ? Path.of(o.str("out", "")) : null;
    }

    public static void main(String[] args) throws Exception {
        System.exit(new SseScenario(Opts.parse(args, 0)).run());
    }

    private int run() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
                .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(clients + 8));
        List<Future<Void>> open = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            open.add(http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/sse/bench")
                            .putHeader("Authorization", "Bearer " + token))
                    .compose(r -> r.send()).map(res -> {
                        res.handler(this::scan);
                        return (Void) null;
                    }));
        }
        Future.all(open).await(60, TimeUnit.SECONDS);
        System.out.printf(Locale.ROOT, "sse: %d readers connected%n", clients);
        long period = Math.max(1, Math.round(1000 / rate));
        LongAdder published = new LongAdder();
        long timer = vertx.setPeriodic(period, id -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
                        .setURI("/api/sse/bench").putHeader("Authorization", "Bearer " + token)
                        .putHeader("Content-Type", "application/json"))
                .compose(r -> r.send(new JsonObject().put("data", "t=" + (System.nanoTime() - BASE)).encode()))
                .onSuccess(res -> {
                    if (res.statusCode() == 202) {
                        published.increment();
                    }
                }));
        Thread.sleep(3000);
        latency.reset();
        long r0 = received.sum();
        long p0 = published.sum();
        measuring = true;
        long t0 = System.nanoTime();
        Thread.sleep(Math.round(seconds * 1000));
        vertx.cancelTimer(timer);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        measuring = false;
        long p1 = published.sum();
        Thread.sleep(1000);
        Histogram h = latency.getIntervalHistogram();
        JsonObject result = new JsonObject().put("scenario", "sse").put("server", "nagare").put("date", Instant.now().toString())
                .put("clients", clients).put("rate", rate).put("seconds", seconds)
                .put("published", p1 - p0).put("deliveriesPerSecond", Math.round((received.sum() - r0) / elapsed))
                .put("latencyMs", new JsonObject().put("p50", h.getValueAtPercentile(50) / 1000.0)
                        .put("p99", h.getValueAtPercentile(99) / 1000.0).put("max", h.getMaxValue() / 1000.0))
                .put("everyReaderGotEveryEvent", received.sum() - r0 >= (p1 - p0) * clients);
        System.out.println("BENCH_RESULT " + result.encode());
        if (out != null) {
            Files.writeString(out, result.encodePrettily());
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        return 0;
    }

    /** Finds "data: t=<nanos>" lines (an event never spans two of our writes: each is one chunk). */
    private void scan(Buffer chunk) {
        String s = chunk.toString();
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
