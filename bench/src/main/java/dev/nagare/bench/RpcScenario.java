package dev.nagare.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
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
 * Ack RPC: Socket.IO clients on {@code /bench}, each in a closed loop: emit {@code rpc} with an ack
 * id, wait for the ack, emit the next. Steps through {@code --steps} client counts (more clients in
 * flight: more round trips per second, until the server saturates, then only more latency) and
 * reports round trips per second and their latency at each; the headline is the step with
 * {@code --clients}. The server echoes the payload in the ack.
 */
public final class RpcScenario {
    private static final long HIGHEST_US = 60_000_000L;

    private final String server;
    private final int port;
    private final int clients;
    private final List<Integer> steps;
    private final double seconds;
    private final double warmupSeconds;
    private final long serverPid;
    private final long clkTck;
    private final Path out;
    private final Recorder latency = new Recorder(HIGHEST_US, 3);
    private final LongAdder roundTrips = new LongAdder();
    private volatile boolean measuring;
    private volatile boolean running = true;

    private RpcScenario(Opts o) {
        server = o.required("server");
        port = o.integer("port", 0);
        clients = o.integer("clients", 100);
        steps = o.ascending("steps", "10,50," + clients + ",200").stream().map(Double::intValue).toList();
        seconds = o.dbl("seconds", 4);
        warmupSeconds = o.dbl("warmup-seconds", 3);
        serverPid = o.lng("server-pid", -1);
        clkTck = o.lng("clk-tck", 100);
        out = o.has("out") ? Path.of(o.str("out", "")) : null;
    }

    public static void main(String[] args) throws Exception {
        System.exit(new RpcScenario(Opts.parse(args, 0)).run());
    }

    private int run() throws Exception {
        int most = 0;
        for (int k : steps) {
            most = Math.max(most, k);
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(most + 8)
                .setTcpNoDelay(true));
        List<Caller> callers = new ArrayList<>();
        List<Future<Void>> ready = new ArrayList<>();
        for (int i = 0; i < most; i++) {
            Caller c = new Caller(vertx.getOrCreateContext(), ws);
            callers.add(c);
            ready.add(c.connect());
        }
        Future.all(ready).await(60, TimeUnit.SECONDS);
        System.out.printf(Locale.ROOT, "%s: %d RPC clients connected%n", server, most);
        JsonArray results = new JsonArray();
        JsonObject headline = null;
        int active = 0;
        for (int k : steps) {
            // Clients only join: the ones already looping keep going, the new ones start now.
            for (; active < k; active++) {
                callers.get(active).call();
            }
            Thread.sleep(Math.round((results.isEmpty() ? warmupSeconds : 1) * 1000));
            JsonObject st = measure(k);
            results.add(st);
            System.out.println("BENCH_STEP " + st.encode());
            if (k == clients) {
                headline = st;
            }
        }
        running = false;
        if (headline == null) {
            headline = results.getJsonObject(results.size() - 1);
        }
        JsonObject result = new JsonObject().put("scenario", "rpc").put("server", server).put("date", Instant.now().toString())
                .put("clients", headline.getInteger("clients")).put("seconds", seconds)
                .put("roundTripsPerSecond", headline.getLong("roundTripsPerSecond"))
                .put("latencyMs", new JsonObject().put("p50", headline.getDouble("p50Ms"))
                        .put("p99", headline.getDouble("p99Ms")).put("max", headline.getDouble("maxMs")))
                .put("serverCpuPct", headline.getDouble("serverCpuPct"))
                .put("loadgenCpuPct", headline.getDouble("loadgenCpuPct"))
                .put("steps", results);
        System.out.println("BENCH_RESULT " + result.encode());
        if (out != null) {
            Files.writeString(out, result.encodePrettily());
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        return 0;
    }

    /** Measures {@code seconds} with {@code k} clients looping. */
    private JsonObject measure(int k) throws InterruptedException {
        latency.reset();
        long n0 = roundTrips.sum();
        long cpu0 = serverPid > 0 ? ProcStats.cpuNanos(serverPid, clkTck) : 0;
        long own0 = ProcStats.selfCpuNanos();
        measuring = true;
        long t0 = System.nanoTime();
        Thread.sleep(Math.round(seconds * 1000));
        double elapsed = (System.nanoTime() - t0) / 1e9;
        measuring = false;
        long cpu1 = serverPid > 0 ? ProcStats.cpuNanos(serverPid, clkTck) : 0;
        long own1 = ProcStats.selfCpuNanos();
        Histogram h = latency.getIntervalHistogram();
        return new JsonObject().put("clients", k)
                .put("roundTripsPerSecond", Math.round((roundTrips.sum() - n0) / elapsed))
                .put("p50Ms", h.getValueAtPercentile(50) / 1000.0).put("p99Ms", h.getValueAtPercentile(99) / 1000.0)
                .put("maxMs", h.getMaxValue() / 1000.0)
                .put("serverCpuPct", serverPid > 0 ? Math.round((cpu1 - cpu0) / 1e9 / elapsed * 1000) / 10.0 : -1)
                .put("loadgenCpuPct", Math.round((own1 - own0) / 1e9 / elapsed * 1000) / 10.0);
    }

    /** One client in a closed request/response loop; everything on its context. */
    private final class Caller {
        private final Context ctx;
        private final WebSocketClient client;
        private final Promise<Void> ready = Promise.promise();
        private ClientWebSocket ws;
        private long id;
        private long sentAt;

        Caller(Context ctx, WebSocketClient client) {
            this.ctx = ctx;
            this.client = client;
        }

        Future<Void> connect() {
            ctx.runOnContext(v -> {
                ws = client.webSocket();
                ws.textMessageHandler(this::onText);
                ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                        .setURI("/socket.io/?EIO=4&transport=websocket").setAllowOriginHeader(false)).onFailure(ready::tryFail);
            });
            return ready.future();
        }

        private void onText(String s) {
            if (s.startsWith("43/bench,")) {
                if (measuring) {
                    latency.recordValue(Math.max(1, Math.min(HIGHEST_US, (System.nanoTime() - sentAt) / 1000)));
                }
                roundTrips.increment();
                if (running) {
                    call();
                }
            } else if (s.startsWith("0")) {
                ws.writeTextMessage("40/bench,{\"role\":\"publisher\"}"); // not in the broadcast room
            } else if (s.startsWith("40/bench")) {
                ready.tryComplete();
            } else if (s.equals("2")) {
                ws.writeTextMessage("3");
            }
        }

        void call() {
            ctx.runOnContext(v -> {
                sentAt = System.nanoTime();
                ws.writeTextMessage("42/bench," + (++id) + "[\"rpc\",{\"n\":" + id + "}]");
            });
        }
    }
}
