package dev.nagare.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Cross-node broadcast over a cluster: the receivers of room "bench" are spread evenly over the
 * nodes ({@code --ports}, receiver i on node i mod n), one publisher is connected to the first node,
 * and every "publish" it sends is broadcast to all of them, so a node other than the first delivers
 * only what reached it through Redis. Two phases:
 * <ol>
 * <li>a ramp of rates with the broadcast scenario's steps and pass criteria (p99 of all deliveries,
 * share delivered, no disconnects): the highest rate that passes;</li>
 * <li>a fixed, moderate rate: publish-to-receive latency of the receivers on the publisher's node
 * ("local") against those on the other nodes ("remote"), whose messages took the Redis hop.</li>
 * </ol>
 * The wire is the broadcast scenario's (Engine.IO v4 / Socket.IO v5 over Vert.x WebSockets, the
 * publish time in the payload, publisher and receivers in this process so latency is exact). Every
 * step also counts what was never delivered once the queues drained (messages lost on the way).
 */
public final class ClusterScenario {
    private static final long HIGHEST_US = 3_600_000_000L;
    private static final String NSP = "/bench";

    private final String server;
    private final int[] ports;
    private final int clients;
    private final int payloadBytes;
    private final double stepSeconds;
    private final double settleSeconds;
    private final double warmupSeconds;
    private final double startDeliveries;
    private final double factor;
    private final int refine;
    private final double maxP99Ms;
    private final double minRatio;
    private final double budgetSeconds;
    private final double latencyRate;
    private final double latencySeconds;
    private final long[] serverPids;
    private final long redisPid;
    private final long clkTck;
    private final Path out;
    private final int sources;

    private Vertx vertx;
    private final List<Context> lanes = new ArrayList<>();
    private final List<WebSocketClient> wsClients = new ArrayList<>();
    private final Recorder[] recorders;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder disconnects = new LongAdder();
    private final LongAdder unexpected = new LongAdder();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private SioPublisher publisher;
    private volatile boolean stopping;
    private final long started = System.nanoTime();

    private ClusterScenario(Opts o) {
        server = o.required("server");
        String[] p = o.required("ports").split(",");
        ports = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            ports[i] = Integer.parseInt(p[i].trim());
        }
        clients = o.integer("clients", 500);
        payloadBytes = o.integer("payload", 100);
        stepSeconds = o.dbl("step-seconds", 2);
        settleSeconds = o.dbl("settle-seconds", 1);
        warmupSeconds = o.dbl("warmup-seconds", 3);
        startDeliveries = o.dbl("start-deliveries", 40_000);
        factor = o.dbl("factor", 1.6);
        refine = o.integer("refine", 2);
        maxP99Ms = o.dbl("max-p99-ms", 50);
        minRatio = o.dbl("min-delivery-ratio", 0.9);
        budgetSeconds = o.dbl("budget-seconds", 45);
        latencyRate = o.dbl("latency-rate", 20);
        latencySeconds = o.dbl("latency-seconds", 5);
        serverPids = pids(o.str("server-pids", ""));
        redisPid = o.lng("redis-pid", -1);
        clkTck = o.lng("clk-tck", 100);
        out = o.has("out") ? Path.of(o.str("out", "")) : null;
        sources = Math.max(1, Math.min(250, o.integer("source-addresses", 8)));
        recorders = new Recorder[ports.length];
        for (int i = 0; i < ports.length; i++) {
            recorders[i] = new Recorder(HIGHEST_US, 3);
        }
    }

    public static void main(String[] args) throws Exception {
        System.exit(new ClusterScenario(Opts.parse(args, 0)).run());
    }

    private int run() throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads).setPreferNativeTransport(true));
        JsonArray steps = new JsonArray();
        JsonObject latency = null;
        long connectMs = -1;
        try {
            lanes.addAll(BroadcastScenario.lanes(vertx, threads));
            for (int k = 0; k < sources; k++) {
                wsClients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress("127.0.0." + (10 + k))
                        .setMaxConnections(clients + 16).setConnectTimeout(10_000).setTcpNoDelay(true)));
            }
            long c0 = System.nanoTime();
            List<SioReceiver> receivers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                receivers.add(new SioReceiver(lanes.get(i % lanes.size()), wsClients.get(i % wsClients.size()),
                        ports[i % ports.length], recorders[i % ports.length]));
            }
            int failed = connectAll(receivers);
            connectMs = (System.nanoTime() - c0) / 1_000_000;
            if (failed > 0) {
                throw new IllegalStateException(failed + " of " + clients + " receivers could not connect");
            }
            log("%s x%d: %d receivers connected in %d ms (%d per node)", server, ports.length, clients, connectMs,
                    clients / ports.length);
            publisher = new SioPublisher(lanes.get(0), wsClients.get(0), ports[0]);
            publisher.connect().await(20, TimeUnit.SECONDS);
            publisher.start();
            publisher.setRate(startDeliveries / clients); // warm-up (JIT, Redis connections), not recorded
            sleep(warmupSeconds);
            publisher.setRate(0);
            drain();
            System.gc();

            double rate = startDeliveries / clients;
            Double lastPass = null;
            Double firstFail = null;
            int down = 0;
            while (true) {
                JsonObject st = confirmedStep(steps, rate, "ramp");
                if (st.getBoolean("pass")) {
                    lastPass = rate;
                    if (overBudget()) {
                        break;
                    }
                    rate *= factor;
                } else {
                    firstFail = rate;
                    if (lastPass == null && down < 3 && !overBudget()) {
                        down++;
                        rate /= factor * factor; // the very first step already fails: go down
                        continue;
                    }
                    break;
                }
            }
            for (int i = 0; i < refine && lastPass != null && firstFail != null && !overBudget(); i++) {
                double mid = Math.sqrt(lastPass * firstFail);
                if (confirmedStep(steps, mid, "refine").getBoolean("pass")) {
                    lastPass = mid;
                } else {
                    firstFail = mid;
                }
            }
            if (overBudget()) {
                errors.add("time budget of " + budgetSeconds + " s used up; ramp stopped early");
            }
            latency = step(latencyRate, "latency", latencySeconds);
        } catch (Exception e) {
            errors.add(e.toString());
            log("%s: ERROR %s", server, e);
        } finally {
            stopping = true;
        }
        JsonObject best = null;
        for (int i = 0; i < steps.size(); i++) {
            JsonObject st = steps.getJsonObject(i);
            if (st.getBoolean("pass") && (best == null || st.getDouble("deliveriesPerSec") > best.getDouble("deliveriesPerSec"))) {
                best = st;
            }
        }
        JsonObject result = new JsonObject().put("scenario", "cluster").put("server", server)
                .put("nodes", ports.length).put("clients", clients).put("payloadBytes", payloadBytes)
                .put("stepSeconds", stepSeconds).put("settleSeconds", settleSeconds).put("factor", factor)
                .put("criteria", new JsonObject().put("maxP99Ms", maxP99Ms).put("minDeliveryRatio", minRatio))
                .put("connectMs", connectMs).put("finishedAt", Instant.now().toString())
                .put("durationSeconds", Math.round((System.nanoTime() - started) / 1e9))
                .put("steps", steps).put("max", best).put("latency", latency)
                .put("disconnects", disconnects.sum()).put("unexpectedFrames", unexpected.sum())
                .put("undeliveredAtEnd", publisher == null ? 0 : publisher.sent.sum() * clients - delivered.sum())
                .put("errors", new JsonArray(new ArrayList<>(errors)));
        log("BENCH_RESULT server=%s nodes=%d maxDeliveriesPerSec=%s localP50Ms=%s remoteP50Ms=%s", server, ports.length,
                best == null ? "none" : best.getLong("deliveriesPerSec"),
                latency == null ? "?" : latency.getJsonObject("local").getValue("p50Ms"),
                latency == null || latency.getJsonObject("remote") == null ? "-" : latency.getJsonObject("remote").getValue("p50Ms"));
        if (out != null) {
            Files.writeString(out, result.encodePrettily() + "\n");
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        return best != null && latency != null ? 0 : 3;
    }

    /** A failing step is run once more before it counts (one hiccup of a shared machine does not end the ramp). */
    private JsonObject confirmedStep(JsonArray steps, double rate, String phase) throws Exception {
        JsonObject st = step(rate, phase, stepSeconds);
        steps.add(st);
        if (!st.getBoolean("pass") && !overBudget()) {
            st.put("retried", true);
            st = step(rate, phase + "-retry", stepSeconds);
            steps.add(st);
        }
        return st;
    }

    private boolean overBudget() {
        return (System.nanoTime() - started) / 1e9 > budgetSeconds;
    }

    /** One measured step at {@code rate} messages/s; counts what was lost once everything drained. */
    private JsonObject step(double rate, String phase, double seconds) throws Exception {
        long dStart = delivered.sum();
        long pStart = publisher.sent.sum();
        publisher.setRate(rate);
        sleep(settleSeconds);
        for (Recorder r : recorders) {
            r.getIntervalHistogram(); // drop what the settle period recorded
        }
        long d0 = delivered.sum();
        long disc0 = disconnects.sum();
        long lg0 = ProcStats.selfCpuNanos();
        long srv0 = serversCpu();
        long red0 = ProcStats.cpuNanos(redisPid, clkTck);
        long[] all0 = ProcStats.machineCpuNanos(clkTck);
        long t0 = System.nanoTime();
        sleep(seconds);
        Histogram[] perNode = new Histogram[recorders.length];
        for (int i = 0; i < recorders.length; i++) {
            perNode[i] = recorders[i].getIntervalHistogram();
        }
        long t1 = System.nanoTime();
        long d1 = delivered.sum();
        long lg1 = ProcStats.selfCpuNanos();
        long srv1 = serversCpu();
        long red1 = ProcStats.cpuNanos(redisPid, clkTck);
        long[] all1 = ProcStats.machineCpuNanos(clkTck);
        long disc = disconnects.sum() - disc0;
        publisher.setRate(0);
        long drainMs = drain();
        long lost = (publisher.sent.sum() - pStart) * clients - (delivered.sum() - dStart);

        double secs = (t1 - t0) / 1e9;
        Histogram all = new Histogram(HIGHEST_US, 3);
        Histogram remote = new Histogram(HIGHEST_US, 3);
        for (int i = 0; i < perNode.length; i++) {
            all.add(perNode[i]);
            if (i > 0) {
                remote.add(perNode[i]);
            }
        }
        double got = (d1 - d0) / secs;
        double ratio = got / (rate * clients);
        double p99 = all.getValueAtPercentile(99) / 1000.0;
        List<String> why = new ArrayList<>();
        if (all.getTotalCount() == 0 || p99 > maxP99Ms) {
            why.add(all.getTotalCount() == 0 ? "nothing delivered" : String.format(Locale.ROOT, "p99 %.1f ms > %.0f ms", p99, maxP99Ms));
        }
        if (ratio < minRatio) {
            why.add(String.format(Locale.ROOT, "deliveries %.0f%% of target", ratio * 100));
        }
        if (disc > 0) {
            why.add(disc + " disconnects");
        }
        JsonObject st = new JsonObject().put("phase", phase).put("rateMsgsPerSec", round(rate, 2))
                .put("targetDeliveriesPerSec", Math.round(rate * clients)).put("deliveriesPerSec", Math.round(got))
                .put("deliveryRatio", round(ratio, 4)).put("seconds", round(secs, 2))
                .put("p50Ms", ms(all, 50)).put("p99Ms", ms(all, 99)).put("maxMs", round(all.getMaxValue() / 1000.0, 3))
                .put("local", summary(perNode[0]))
                .put("remote", perNode.length > 1 ? summary(remote) : null)
                .put("loadgenCpuPct", pct(lg0, lg1, secs)).put("serversCpuPct", pct(srv0, srv1, secs))
                .put("redisCpuPct", pct(red0, red1, secs))
                .put("otherCpuPct", all0 == null || all1 == null || srv0 < 0 || red0 < 0 ? -1 // everything else on the machine
                        : round(Math.max(0, ((all1[0] - all0[0]) - (srv1 - srv0) - (red1 - red0) - (lg1 - lg0)) / 1e9 / secs * 100), 1))
                .put("disconnects", disc).put("undeliveredAfterDrain", lost).put("drainMs", drainMs)
                .put("pass", why.isEmpty()).put("failReason", String.join("; ", why));
        log("%s x%d %-12s %7.1f msg/s -> target %,9.0f deliv/s, got %,9.0f (%5.1f%%)  p50 %6.2f p99 %7.2f ms"
                        + "  local p50 %6.2f remote p50 %s  CPU: servers %3.0f%% redis %3.0f%% loadgen %3.0f%% other %3.0f%%  lost %d  %s",
                server, ports.length, phase, rate, rate * clients, got, ratio * 100, ms(all, 50), p99, ms(perNode[0], 50),
                perNode.length > 1 ? String.format(Locale.ROOT, "%6.2f", ms(remote, 50)) : "     -",
                st.getDouble("serversCpuPct"), st.getDouble("redisCpuPct"), st.getDouble("loadgenCpuPct"), st.getDouble("otherCpuPct"), lost,
                why.isEmpty() ? "PASS" : "FAIL (" + String.join("; ", why) + ")");
        return st;
    }

    private static JsonObject summary(Histogram h) {
        return new JsonObject().put("samples", h.getTotalCount()).put("p50Ms", ms(h, 50)).put("p99Ms", ms(h, 99))
                .put("maxMs", round(h.getMaxValue() / 1000.0, 3));
    }

    private static double ms(Histogram h, double percentile) {
        return round(h.getValueAtPercentile(percentile) / 1000.0, 3);
    }

    private long serversCpu() {
        long sum = 0;
        for (long pid : serverPids) {
            long c = ProcStats.cpuNanos(pid, clkTck);
            if (c < 0) {
                return -1;
            }
            sum += c;
        }
        return serverPids.length == 0 ? -1 : sum;
    }

    private static double pct(long a, long b, double secs) {
        return a < 0 || b < 0 ? -1 : round((b - a) / 1e9 / secs * 100, 1);
    }

    /**
     * Waits until every message published so far has reached every receiver, or nothing has arrived
     * for 2 s (what is still missing then counts as lost), at most 15 s. Waiting for the count rather
     * than for a short quiet spell keeps a stall of the shared machine from moving one step's late
     * deliveries into the next step.
     */
    private long drain() throws InterruptedException {
        long t0 = System.nanoTime();
        long last = delivered.sum();
        long stableSince = t0;
        while (System.nanoTime() - t0 < 15_000_000_000L && delivered.sum() < publisher.sent.sum() * clients) {
            Thread.sleep(20);
            long now = delivered.sum();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > 2_000_000_000L) {
                break;
            }
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private int connectAll(List<SioReceiver> list) throws Exception {
        List<SioReceiver> todo = list;
        for (int attempt = 0; attempt < 3 && !todo.isEmpty(); attempt++) {
            Semaphore window = new Semaphore(64);
            List<Future<Void>> futures = new ArrayList<>();
            for (SioReceiver r : todo) {
                window.acquire();
                Future<Void> f = r.connect();
                f.onComplete(ar -> window.release());
                futures.add(f);
            }
            window.acquire(64);
            List<SioReceiver> again = new ArrayList<>();
            for (int i = 0; i < todo.size(); i++) {
                if (futures.get(i).failed()) {
                    again.add(todo.get(i));
                    if (errors.size() < 20) {
                        errors.add("connect: " + futures.get(i).cause());
                    }
                }
            }
            todo = again;
        }
        return todo.size();
    }

    private static WebSocketConnectOptions options(int port) {
        return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/socket.io/?EIO=4&transport=websocket").setAllowOriginHeader(false).setTimeout(15_000);
    }

    /** Records the latency of a delivered {@code 42/bench,["tick",{"t":<nanos>,...}]}. */
    private void record(Buffer b, Recorder into) {
        long now = System.nanoTime();
        int len = Math.min(b.length(), 96);
        for (int i = 2; i + 4 < len; i++) {
            if (b.getByte(i) == '"' && b.getByte(i + 1) == 't' && b.getByte(i + 2) == '"' && b.getByte(i + 3) == ':') {
                long t = 0;
                byte c;
                for (int j = i + 4; j < b.length() && (c = b.getByte(j)) >= '0' && c <= '9'; j++) {
                    t = t * 10 + (c - '0');
                }
                into.recordValue(Math.max(1, Math.min(HIGHEST_US, (now - BroadcastScenario.BASE - t) / 1000)));
                delivered.increment();
                return;
            }
        }
        unexpected.increment();
    }

    /** One receiving client on one node; its handlers run on its lane's event loop. */
    private final class SioReceiver {
        private final Context lane;
        private final WebSocketClient client;
        private final int port;
        private final Recorder recorder;
        private volatile ClientWebSocket ws;
        private Promise<Void> pending; // lane only

        SioReceiver(Context lane, WebSocketClient client, int port, Recorder recorder) {
            this.lane = lane;
            this.client = client;
            this.port = port;
            this.recorder = recorder;
        }

        Future<Void> connect() {
            Promise<Void> p = Promise.promise();
            lane.runOnContext(v -> {
                pending = p;
                ClientWebSocket w = client.webSocket();
                ws = w;
                w.frameHandler(f -> onFrame(w, f));
                w.closeHandler(x -> {
                    if (!p.tryFail("closed before CONNECT") && !stopping) {
                        disconnects.increment();
                    }
                });
                w.connect(options(port)).onFailure(p::tryFail);
                lane.owner().setTimer(20_000, t -> p.tryFail("no namespace CONNECT reply within 20 s"));
            });
            return p.future();
        }

        private void onFrame(ClientWebSocket w, WebSocketFrame f) {
            Buffer b = f.binaryData();
            if (b.length() == 0) {
                return;
            }
            switch (b.getByte(0)) {
                case '4' -> {
                    byte type = b.length() > 1 ? b.getByte(1) : 0;
                    if (type == '2') {
                        record(b, recorder);
                    } else if (type == '0') {
                        pending.tryComplete();
                    } else {
                        unexpected.increment();
                    }
                }
                case '2' -> w.writeTextMessage("3"); // ping -> pong
                case '0' -> w.writeTextMessage("40" + NSP + ",");
                default -> unexpected.increment();
            }
        }
    }

    /** The publisher ({@code {"role":"publisher"}}, in no room): a 1 ms timer sends what is due at the rate. */
    private final class SioPublisher {
        private final Context lane;
        private final WebSocketClient client;
        private final int port;
        final LongAdder sent = new LongAdder();
        private volatile ClientWebSocket ws;
        private volatile boolean ready;
        private double rate; // lane only
        private long phaseStart;
        private long sentInPhase;

        SioPublisher(Context lane, WebSocketClient client, int port) {
            this.lane = lane;
            this.client = client;
            this.port = port;
        }

        Future<Void> connect() {
            Promise<Void> p = Promise.promise();
            lane.runOnContext(v -> {
                ClientWebSocket w = client.webSocket();
                ws = w;
                w.textMessageHandler(s -> {
                    if (s.startsWith("0")) {
                        w.writeTextMessage("40" + NSP + ",{\"role\":\"publisher\"}");
                    } else if (s.startsWith("2")) {
                        w.writeTextMessage("3");
                    } else if (s.startsWith("40")) {
                        ready = true;
                        p.tryComplete();
                    }
                });
                w.closeHandler(x -> {
                    ready = false;
                    if (!stopping) {
                        disconnects.increment();
                    }
                });
                w.connect(options(port)).onFailure(p::tryFail);
            });
            return p.future();
        }

        void start() {
            lane.runOnContext(v -> lane.owner().setPeriodic(1, id -> tick()));
        }

        void setRate(double r) {
            lane.runOnContext(v -> {
                rate = r;
                phaseStart = System.nanoTime();
                sentInPhase = 0;
            });
        }

        private void tick() {
            if (rate <= 0 || !ready) {
                return;
            }
            long due = (long) (rate * ((System.nanoTime() - phaseStart) / 1e9)) - sentInPhase;
            long maxBurst = Math.max(1, (long) (rate * 0.05)); // a stall never turns into a huge burst
            if (due > maxBurst) {
                sentInPhase += due - maxBurst; // skipped, as in the broadcast scenario
                due = maxBurst;
            }
            for (long i = 0; i < due; i++) {
                if (ws.writeQueueFull()) {
                    sentInPhase += due - i;
                    return;
                }
                ws.writeTextMessage(message(System.nanoTime() - BroadcastScenario.BASE));
                sentInPhase++;
                sent.increment();
            }
        }

        private String message(long t) {
            StringBuilder sb = new StringBuilder(payloadBytes + 40).append("42").append(NSP).append(",[\"publish\",{\"t\":")
                    .append(t).append(",\"pad\":\"");
            for (int i = 5 + Long.toString(t).length() + 10; i < payloadBytes; i++) {
                sb.append('x');
            }
            return sb.append("\"}]").toString();
        }
    }

    private static long[] pids(String csv) {
        return csv.isBlank() ? new long[0] : java.util.Arrays.stream(csv.split(",")).mapToLong(s -> Long.parseLong(s.trim())).toArray();
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep(Math.round(seconds * 1000));
    }

    private static void log(String fmt, Object... args) {
        System.out.println(String.format(Locale.ROOT, fmt, args));
        System.out.flush();
    }
}
