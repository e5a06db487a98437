package dev.nagare.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Broadcast fan-out load generator: N WebSocket receivers in one room and one publisher that sends
 * fixed-size messages at a target rate; the rate is raised step by step until the p99 latency
 * passes the limit or deliveries fall behind, then refined between the last passing and the first
 * failing rate. The result is the highest sustainable deliveries/s (messages/s x receivers).
 *
 * <p>It speaks Engine.IO v4 / Socket.IO v5 itself over Vert.x WebSocket clients (protocol
 * {@code sio}: handshake {@code 0{...}}, CONNECT {@code 40/bench,}, ping {@code 2} answered with
 * pong {@code 3}, events {@code 42/bench,["tick",{...}]}), or plain text frames (protocol
 * {@code raw}). Each message carries its publish time, {@code System.nanoTime()} relative to this
 * process's start: publisher and receivers share the process, so latency is exact.
 */
public final class BroadcastScenario {
    /** Time origin of the "t" field (keeps it well inside a double's exact range for Node). */
    static final long BASE = System.nanoTime();
    private static final long HIGHEST_US = 3_600_000_000L;

    enum Protocol { SIO, RAW }

    private final String server;
    private final String host;
    private final int port;
    private final Protocol protocol;
    private final String namespace;
    private final int clients;
    private final int payloadBytes;
    private final double stepSeconds;
    private final double settleSeconds;
    private final double warmupSeconds;
    private final double startDeliveries;
    private final double maxDeliveries;
    private final double factor;
    private final int refine;
    private final int confirm;
    private final int noisyRetries;
    private final double quietWaitSeconds;
    private final double noisyPct;
    private final double maxP99Ms;
    private final double minRatio;
    private final double budgetSeconds;
    private final int sources;
    private final int threads;
    private final long serverPid;
    private final long clkTck;
    private final Path out;
    private final boolean gcServer;

    private Vertx vertx;
    private final List<Context> lanes = new ArrayList<>();
    private final List<WebSocketClient> wsClients = new ArrayList<>();
    private final Recorder recorder = new Recorder(HIGHEST_US, 3);
    private final LongAdder delivered = new LongAdder();
    private final LongAdder disconnects = new LongAdder();
    private final LongAdder unexpected = new LongAdder();
    private final Map<String, LongAdder> closeReasons = new ConcurrentHashMap<>();
    private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    private Receiver[] receivers;
    private Publisher publisher;
    private volatile boolean stopping;
    private final long started = System.nanoTime();

    BroadcastScenario(Opts o) {
        server = o.required("server");
        host = o.str("host", "127.0.0.1");
        port = o.integer("port", 0);
        protocol = Protocol.valueOf(o.str("protocol", "sio").toUpperCase(Locale.ROOT));
        namespace = o.str("namespace", "/bench");
        clients = o.integer("clients", 1000);
        payloadBytes = o.integer("payload", 100);
        stepSeconds = o.dbl("step-seconds", 3);
        settleSeconds = o.dbl("settle-seconds", 1);
        warmupSeconds = o.dbl("warmup-seconds", 4);
        startDeliveries = o.dbl("start-deliveries", 20_000);
        maxDeliveries = o.dbl("max-deliveries", 5_000_000);
        factor = o.dbl("factor", 1.5);
        refine = o.integer("refine", 3);
        confirm = o.integer("confirm-failures", 1);
        noisyRetries = o.integer("noisy-retries", 3);
        quietWaitSeconds = o.dbl("quiet-wait-seconds", 8);
        noisyPct = o.dbl("noisy-cpu-pct", 25);
        maxP99Ms = o.dbl("max-p99-ms", 50);
        minRatio = o.dbl("min-delivery-ratio", 0.9);
        budgetSeconds = o.dbl("budget-seconds", 120);
        sources = Math.max(1, Math.min(250, o.integer("source-addresses", 8)));
        threads = o.integer("threads", Runtime.getRuntime().availableProcessors());
        serverPid = o.lng("server-pid", -1);
        clkTck = o.lng("clk-tck", 100);
        out = o.has("out") ? Path.of(o.str("out", "")) : null;
        gcServer = o.bool("gc-server-after-warmup", false);
        if (port <= 0) {
            throw new IllegalArgumentException("--port is required");
        }
    }

    public static void main(String[] args) throws Exception {
        BroadcastScenario s = new BroadcastScenario(Opts.parse(args, 0));
        int code = s.run();
        System.exit(code);
    }

    // ------------------------------------------------------------------ driver

    private int run() throws Exception {
        JsonObject result = new JsonObject();
        JsonArray steps = new JsonArray();
        try {
            open(result);

            // Warm-up (JIT, buffers), not recorded.
            double startRate = startDeliveries / clients;
            publisher.setRate(startRate);
            sleep(warmupSeconds);
            publisher.setRate(0);
            drain();
            System.gc(); // the load generator's own first, slow collections happen now, not in a step
            if (gcServer) {
                gcServer();
            }

            double rate = startRate;
            Double lastPass = null;
            Double firstFail = null;
            int down = 0;
            while (true) {
                JsonObject st = confirmedStep(steps, rate, "ramp");
                if (st.getBoolean("pass")) {
                    lastPass = rate;
                    if (rate * clients * factor > maxDeliveries || overBudget()) {
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
            for (int i = 0; i < refine && lastPass != null && firstFail != null && firstFail > lastPass
                    && !overBudget(); i++) {
                double mid = Math.sqrt(lastPass * firstFail);
                JsonObject st = confirmedStep(steps, mid, "refine");
                if (st.getBoolean("pass")) {
                    lastPass = mid;
                } else {
                    firstFail = mid;
                }
            }
            if (overBudget()) {
                errors.add("time budget of " + budgetSeconds + " s used up; ramp stopped early");
            }
        } catch (Exception e) {
            errors.add(e.toString());
            log("%s: ERROR %s", server, e);
        } finally {
            stopping = true;
        }

        JsonObject best = null;
        for (int i = 0; i < steps.size(); i++) {
            JsonObject st = steps.getJsonObject(i);
            if (st.getBoolean("pass") && (best == null
                    || st.getDouble("deliveriesPerSec") > best.getDouble("deliveriesPerSec"))) {
                best = st;
            }
        }
        result.put("scenario", "broadcast")
                .put("server", server)
                .put("protocol", protocol.name().toLowerCase(Locale.ROOT))
                .put("clients", clients)
                .put("payloadBytes", payloadBytes)
                .put("stepSeconds", stepSeconds)
                .put("settleSeconds", settleSeconds)
                .put("factor", factor)
                .put("refine", refine)
                .put("confirmFailures", confirm)
                .put("noisyRetries", noisyRetries)
                .put("noisyCpuPct", noisyPct)
                .put("criteria", new JsonObject().put("maxP99Ms", maxP99Ms).put("minDeliveryRatio", minRatio))
                .put("loadgen", new JsonObject().put("eventLoops", threads)
                        .put("availableProcessors", Runtime.getRuntime().availableProcessors())
                        .put("sourceAddresses", sources)
                        .put("nativeTransport", vertx.isNativeTransportEnabled())
                        .put("java", System.getProperty("java.version")))
                .put("finishedAt", Instant.now().toString())
                .put("durationSeconds", Math.round((System.nanoTime() - started) / 1e9))
                .put("steps", steps)
                .put("max", best)
                .put("disconnects", disconnects.sum())
                .put("closeReasons", ProcStats.sums(closeReasons))
                .put("unexpectedFrames", unexpected.sum())
                .put("errors", new JsonArray(new ArrayList<>(errors)));
        if (best != null) {
            log("BENCH_RESULT server=%s maxDeliveriesPerSec=%.0f msgsPerSec=%.1f p50Ms=%.2f p99Ms=%.2f loadgenCpuPct=%.0f serverCpuPct=%.0f",
                    server, best.getDouble("deliveriesPerSec"), best.getDouble("rateMsgsPerSec"),
                    best.getDouble("p50Ms"), best.getDouble("p99Ms"), best.getDouble("loadgenCpuPct"),
                    best.getDouble("serverCpuPct"));
        } else {
            log("BENCH_RESULT server=%s no sustainable rate found", server);
        }
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, result.encodePrettily() + "\n");
            log("%s: wrote %s", server, out);
        }
        shutdown();
        return best != null ? 0 : 3;
    }

    /** One context per event loop of {@code vertx} (a verticle each): the load generator's lanes. */
    static List<Context> lanes(Vertx vertx, int n) throws Exception {
        List<Context> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            AtomicReference<Context> ctx = new AtomicReference<>();
            vertx.deployVerticle(new AbstractVerticle() {
                @Override
                public void start() {
                    ctx.set(context);
                }
            }, new DeploymentOptions()).await(10, TimeUnit.SECONDS);
            out.add(ctx.get());
        }
        return out;
    }

    /**
     * Starts the load generator's event loops, connects every receiver (into {@code result}'s
     * "connect") and the publisher, and starts the publisher's timer at rate 0 ({@link SteadyScenario} too).
     */
    void open(JsonObject result) throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads).setPreferNativeTransport(true));
        lanes.addAll(lanes(vertx, threads));
        for (int k = 0; k < sources; k++) {
            wsClients.add(vertx.createWebSocketClient(new WebSocketClientOptions()
                    .setLocalAddress("127.0.0." + (10 + k))
                    .setMaxConnections(clients + 16)
                    .setConnectTimeout(10_000)
                    .setTcpNoDelay(true)
                    .setMaxFrameSize(1 << 20)
                    .setMaxMessageSize(1 << 20)));
        }
        log("%s: connecting %d receivers (%s, %d source addresses 127.0.0.10-%d, %d load-generator event loop%s, %s)",
                server, clients, protocol.name().toLowerCase(Locale.ROOT), sources, 9 + sources, threads,
                threads == 1 ? "" : "s", vertx.isNativeTransportEnabled() ? "native epoll" : "NIO");
        long c0 = System.nanoTime();
        receivers = new Receiver[clients];
        for (int i = 0; i < clients; i++) {
            receivers[i] = new Receiver(lanes.get(i % lanes.size()), wsClients.get(i % wsClients.size()));
        }
        int failed = connectAll(List.of(receivers), 3);
        double connectMs = (System.nanoTime() - c0) / 1e6;
        result.put("connect", new JsonObject().put("ms", Math.round(connectMs)).put("failed", failed));
        if (failed > 0) {
            throw new IllegalStateException(failed + " of " + clients + " receivers could not connect");
        }
        log("%s: %d receivers connected in %.0f ms", server, clients, connectMs);
        publisher = new Publisher(lanes.get(0), wsClients.get(0));
        publisher.connect().await(20, TimeUnit.SECONDS);
        publisher.start();
    }

    void publishRate(double messagesPerSecond) {
        publisher.setRate(messagesPerSecond);
    }

    /** {delivered, published, disconnects} so far. */
    long[] counts() {
        return new long[] {delivered.sum(), publisher.sent.sum(), disconnects.sum()};
    }

    /** Latencies recorded since the last call. */
    Histogram intervalHistogram() {
        return recorder.getIntervalHistogram();
    }

    void close() {
        stopping = true;
        shutdown();
    }

    /**
     * Runs a step; a failing step is run again ({@code confirm} times, and up to {@code noisyRetries}
     * more while the failure looks like noise: other processes using the CPU, or a failure with
     * neither side near saturation) before it counts as a failure, so that one hiccup of a
     * shared machine does not end the ramp. Every attempt is kept in the results.
     */
    private JsonObject confirmedStep(JsonArray steps, double rate, String phase) throws Exception {
        JsonObject st = step(steps.size() + 1, rate, phase);
        steps.add(st);
        // Retries beyond `confirm` only when the failure looks like noise: other processes were busy,
        // or neither the server nor the load generator was near saturation (a stall from outside).
        for (int i = 0; !st.getBoolean("pass") && !overBudget()
                && (i < confirm || (i < confirm + noisyRetries && looksNoisy(st))); i++) {
            st.put("retried", true);
            st = step(steps.size() + 1, rate, phase + "-retry");
            steps.add(st);
        }
        return st;
    }

    /**
     * A JVM server's first young collections promote its start-up and connection state to the old
     * generation and are slow (tens of ms on one core): have them happen now rather than inside a
     * measured step.
     */
    private void gcServer() throws InterruptedException {
        double ms = ProcStats.fullGc(serverPid);
        log(ms < 0 ? "%s: cannot run a GC in the server (no pid, no jcmd, or it failed)"
                : "%s: full GC in the server after warm-up (jcmd GC.run, %.0f ms)", server, ms);
        Thread.sleep(500);
    }

    private boolean looksNoisy(JsonObject st) {
        return st.getDouble("otherCpuPct") > noisyPct
                || (st.getDouble("serverCpuPct") < 90 && st.getDouble("loadgenCpuOfAvailablePct") < 90);
    }

    private boolean overBudget() {
        return (System.nanoTime() - started) / 1e9 > budgetSeconds;
    }

    /** One measured step at {@code rate} messages/s. */
    private JsonObject step(int index, double rate, String phase) throws Exception {
        int reconnected = ensureConnected();
        double waited = waitQuiet();
        publisher.setRate(rate);
        sleep(settleSeconds);
        recorder.getIntervalHistogram(); // drop what the settle period recorded
        long d0 = delivered.sum();
        long p0 = publisher.sent.sum();
        long sk0 = publisher.skipped.sum();
        long disc0 = disconnects.sum();
        long cpu0 = ProcStats.selfCpuNanos();
        long scpu0 = ProcStats.cpuNanos(serverPid, clkTck);
        long[] all0 = ProcStats.machineCpuNanos(clkTck);
        long t0 = System.nanoTime();
        sleep(stepSeconds);
        Histogram h = recorder.getIntervalHistogram();
        long t1 = System.nanoTime();
        long d1 = delivered.sum();
        long p1 = publisher.sent.sum();
        long sk1 = publisher.skipped.sum();
        long cpu1 = ProcStats.selfCpuNanos();
        long scpu1 = ProcStats.cpuNanos(serverPid, clkTck);
        long[] all1 = ProcStats.machineCpuNanos(clkTck);
        long rss = ProcStats.rssBytes(serverPid);
        long disc1 = disconnects.sum();
        publisher.setRate(0);
        long drainMs = drain();
        long discAfter = disconnects.sum();

        double secs = (t1 - t0) / 1e9;
        double target = rate * clients;
        double got = (d1 - d0) / secs;
        double ratio = got / target;
        double p50 = h.getValueAtPercentile(50) / 1000.0;
        double p99 = h.getValueAtPercentile(99) / 1000.0;
        boolean latencyOk = h.getTotalCount() > 0 && p99 <= maxP99Ms;
        boolean deliveryOk = ratio >= minRatio;
        boolean connOk = disc1 == disc0;
        List<String> why = new ArrayList<>();
        if (!latencyOk) {
            why.add(h.getTotalCount() == 0 ? "nothing delivered" : String.format(Locale.ROOT, "p99 %.1f ms > %.0f ms", p99, maxP99Ms));
        }
        if (!deliveryOk) {
            why.add(String.format(Locale.ROOT, "deliveries %.0f%% of target", ratio * 100));
        }
        if (!connOk) {
            why.add((disc1 - disc0) + " disconnects");
        }
        boolean pass = latencyOk && deliveryOk && connOk;
        double lgCpu = cpu0 < 0 ? -1 : (cpu1 - cpu0) / 1e9 / secs * 100;
        double srvCpu = scpu0 < 0 || scpu1 < 0 ? -1 : (scpu1 - scpu0) / 1e9 / secs * 100;
        double allCpu = all0 == null || all1 == null ? -1 : (all1[0] - all0[0]) / 1e9 / secs * 100;
        double irqCpu = all0 == null || all1 == null ? -1 : (all1[1] - all0[1]) / 1e9 / secs * 100;
        double otherCpu = allCpu < 0 || srvCpu < 0 || lgCpu < 0 ? -1 : Math.max(0, allCpu - srvCpu - lgCpu);
        JsonObject st = new JsonObject()
                .put("index", index)
                .put("phase", phase)
                .put("rateMsgsPerSec", round(rate, 2))
                .put("targetDeliveriesPerSec", Math.round(target))
                .put("deliveriesPerSec", Math.round(got))
                .put("deliveryRatio", round(ratio, 4))
                .put("publishedPerSec", Math.round((p1 - p0) / secs))
                .put("publisherSkipped", sk1 - sk0)
                .put("latencySamples", h.getTotalCount())
                .put("p50Ms", round(p50, 3))
                .put("p90Ms", round(h.getValueAtPercentile(90) / 1000.0, 3))
                .put("p99Ms", round(p99, 3))
                .put("p999Ms", round(h.getValueAtPercentile(99.9) / 1000.0, 3))
                .put("maxMs", round(h.getMaxValue() / 1000.0, 3))
                .put("meanMs", round(h.getMean() / 1000.0, 3))
                .put("loadgenCpuPct", round(lgCpu, 1))
                .put("loadgenCpuOfAvailablePct", round(lgCpu / Runtime.getRuntime().availableProcessors(), 1))
                .put("serverCpuPct", round(srvCpu, 1))
                .put("otherCpuPct", round(otherCpu, 1))
                .put("softirqCpuPct", round(irqCpu, 1))
                .put("serverRssMb", rss < 0 ? -1 : Math.round(rss / 1048576.0))
                .put("disconnects", disc1 - disc0)
                .put("disconnectsWhileDraining", discAfter - disc1)
                .put("reconnectedBefore", reconnected)
                .put("quietWaitSeconds", round(waited, 1))
                .put("drainMs", drainMs)
                .put("pass", pass)
                .put("failReason", String.join("; ", why));
        log("%s step %2d %-12s %8.1f msg/s -> target %,9.0f deliv/s, got %,9.0f (%5.1f%%)  p50 %7.2f ms  p99 %7.2f ms  max %7.1f ms"
                        + "  CPU: loadgen %3.0f%% server %3.0f%% softirq %3.0f%% other %3.0f%%  RSS %4d MB  %s",
                server, index, phase, rate, target, got, ratio * 100, p50, p99, h.getMaxValue() / 1000.0,
                lgCpu, srvCpu, irqCpu, otherCpu, rss < 0 ? -1 : rss / 1048576, pass ? "PASS" : "FAIL (" + String.join("; ", why) + ")");
        return st;
    }

    private double waitQuiet() throws InterruptedException {
        return ProcStats.waitQuiet(serverPid, clkTck, quietWaitSeconds, noisyPct, server);
    }

    /** Waits until deliveries stop arriving (the server's and sockets' queues are empty). */
    private long drain() throws InterruptedException {
        long t0 = System.nanoTime();
        long last = delivered.sum();
        long stableSince = System.nanoTime();
        while ((System.nanoTime() - t0) < 15_000_000_000L) {
            Thread.sleep(50);
            long now = delivered.sum();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > 300_000_000L) {
                break;
            }
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Reconnects receivers (and the publisher) that were disconnected; returns how many. */
    private int ensureConnected() throws Exception {
        List<Receiver> lost = new ArrayList<>();
        for (Receiver r : receivers) {
            if (!r.ready) {
                lost.add(r);
            }
        }
        if (!publisher.ready) {
            log("%s: publisher was disconnected; reconnecting", server);
            publisher.connect().await(20, TimeUnit.SECONDS);
        }
        if (!lost.isEmpty()) {
            log("%s: reconnecting %d lost receivers", server, lost.size());
            int failed = connectAll(lost, 2);
            if (failed > 0) {
                throw new IllegalStateException(failed + " receivers could not reconnect");
            }
        }
        return lost.size();
    }

    /** Connects receivers with bounded concurrency; returns how many still failed after retries. */
    private int connectAll(List<Receiver> list, int attempts) throws Exception {
        List<Receiver> todo = list;
        for (int attempt = 0; attempt < attempts && !todo.isEmpty(); attempt++) {
            Semaphore window = new Semaphore(64);
            List<Future<Void>> futures = new ArrayList<>();
            for (Receiver r : todo) {
                window.acquire();
                Future<Void> f = r.connect();
                f.onComplete(ar -> window.release());
                futures.add(f);
            }
            window.acquire(64); // all settled
            List<Receiver> again = new ArrayList<>();
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

    private void shutdown() {
        try {
            for (WebSocketClient c : wsClients) {
                c.close();
            }
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // exiting anyway
        }
    }

    // ------------------------------------------------------------------ wire

    private WebSocketConnectOptions connectOptions(boolean isPublisher) {
        String uri = switch (protocol) {
            case SIO -> "/socket.io/?EIO=4&transport=websocket";
            case RAW -> isPublisher ? "/raw?role=publisher" : "/raw";
        };
        return new WebSocketConnectOptions().setHost(host).setPort(port).setURI(uri)
                .setAllowOriginHeader(false).setTimeout(15_000);
    }

    /** Records the latency of one delivered message whose payload has {@code "t":<nanos>}. */
    private void record(Buffer b, int from) {
        long now = System.nanoTime();
        int len = Math.min(b.length(), from + 96);
        for (int i = from; i + 4 < len; i++) {
            if (b.getByte(i) == '"' && b.getByte(i + 1) == 't' && b.getByte(i + 2) == '"' && b.getByte(i + 3) == ':') {
                long t = 0;
                int j = i + 4;
                byte c;
                while (j < b.length() && (c = b.getByte(j)) >= '0' && c <= '9') {
                    t = t * 10 + (c - '0');
                    j++;
                }
                long us = (now - BASE - t) / 1000;
                recorder.recordValue(Math.max(1, Math.min(HIGHEST_US, us)));
                delivered.increment();
                return;
            }
        }
        unexpected.increment();
    }

    private void closed(String reason) {
        if (stopping) {
            return;
        }
        disconnects.increment();
        closeReasons.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    /** One receiving client. Its handlers run on its lane's event loop. */
    private final class Receiver {
        private final Context lane;
        private final WebSocketClient client;
        private final String connectPacket = "40" + nsPrefix();
        private volatile ClientWebSocket ws;
        private volatile boolean ready;
        private Promise<Void> pending; // lane only

        Receiver(Context lane, WebSocketClient client) {
            this.lane = lane;
            this.client = client;
        }

        Future<Void> connect() {
            Promise<Void> p = Promise.promise();
            lane.runOnContext(v -> {
                pending = p;
                ready = false;
                ClientWebSocket w = client.webSocket();
                ws = w;
                w.frameHandler(f -> onFrame(w, f));
                w.closeHandler(x -> onClose(w));
                w.exceptionHandler(e -> {
                    if (!stopping && errors.size() < 50) {
                        errors.add("receiver: " + e);
                    }
                });
                w.connect(connectOptions(false)).onComplete(ar -> {
                    if (ar.failed()) {
                        p.tryFail(ar.cause());
                    } else if (protocol == Protocol.RAW) {
                        ready = true;
                        p.tryComplete();
                    }
                });
                lane.owner().setTimer(20_000, t -> p.tryFail("no namespace CONNECT reply within 20 s"));
            });
            return p.future();
        }

        private void onFrame(ClientWebSocket w, WebSocketFrame f) {
            if (!f.isText() && !f.isBinary()) {
                return;
            }
            Buffer b = f.binaryData();
            if (b.length() == 0) {
                return;
            }
            if (protocol == Protocol.RAW) {
                record(b, 0);
                return;
            }
            switch (b.getByte(0)) {
                case '4' -> {
                    byte type = b.length() > 1 ? b.getByte(1) : 0;
                    if (type == '2') {
                        record(b, 2);
                    } else if (type == '0') {
                        ready = true;
                        pending.tryComplete();
                    } else if (type == '4') {
                        pending.tryFail("CONNECT_ERROR: " + b);
                    } else if (type == '1') {
                        ready = false;
                        closed("namespace DISCONNECT from server");
                    } else {
                        unexpected.increment();
                    }
                }
                case '2' -> w.writeTextMessage("3"); // ping -> pong
                case '0' -> w.writeTextMessage(connectPacket);
                case '1' -> closed("Engine.IO CLOSE packet");
                case '6' -> { } // noop
                default -> unexpected.increment();
            }
        }

        private void onClose(ClientWebSocket w) {
            if (w != ws) {
                return;
            }
            boolean wasReady = ready;
            ready = false;
            if (pending != null) {
                pending.tryFail("closed before CONNECT");
            }
            if (wasReady) {
                closed("WebSocket closed (" + w.closeStatusCode() + (w.closeReason() == null ? "" : " " + w.closeReason()) + ")");
            }
        }
    }

    private String nsPrefix() {
        return "/".equals(namespace) ? "" : namespace + ",";
    }

    /** The publishing client: a periodic 1 ms timer sends what is due at the current rate. */
    private final class Publisher {
        private final Context lane;
        private final WebSocketClient client;
        final LongAdder sent = new LongAdder();
        final LongAdder skipped = new LongAdder();
        private volatile ClientWebSocket ws;
        private volatile boolean ready;
        private double rate; // lane only
        private long phaseStart;
        private long sentInPhase;
        private final String prefix;
        private final String suffix;
        private final StringBuilder sb = new StringBuilder(256);

        Publisher(Context lane, WebSocketClient client) {
            this.lane = lane;
            this.client = client;
            prefix = protocol == Protocol.SIO ? "42" + nsPrefix() + "[\"publish\"," : "";
            suffix = protocol == Protocol.SIO ? "]" : "";
        }

        Future<Void> connect() {
            Promise<Void> p = Promise.promise();
            lane.runOnContext(v -> {
                ClientWebSocket w = client.webSocket();
                ws = w;
                w.frameHandler(f -> {
                    if (!f.isText()) {
                        return;
                    }
                    String s = f.textData();
                    if (protocol == Protocol.RAW || s.isEmpty()) {
                        return;
                    }
                    switch (s.charAt(0)) {
                        case '0' -> w.writeTextMessage("40" + nsPrefix() + "{\"role\":\"publisher\"}");
                        case '2' -> w.writeTextMessage("3");
                        case '4' -> {
                            if (s.startsWith("40")) {
                                ready = true;
                                p.tryComplete();
                            } else if (s.startsWith("44")) {
                                p.tryFail("publisher CONNECT_ERROR: " + s);
                            }
                        }
                        default -> { }
                    }
                });
                w.closeHandler(x -> {
                    if (w == ws) {
                        ready = false;
                        closed("publisher WebSocket closed");
                    }
                });
                w.connect(connectOptions(true)).onComplete(ar -> {
                    if (ar.failed()) {
                        p.tryFail(ar.cause());
                    } else if (protocol == Protocol.RAW) {
                        ready = true;
                        p.tryComplete();
                    }
                });
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
            long now = System.nanoTime();
            long due = (long) (rate * ((now - phaseStart) / 1e9)) - sentInPhase;
            if (due <= 0) {
                return;
            }
            long maxBurst = Math.max(1, (long) (rate * 0.05)); // a stall never turns into a huge burst
            if (due > maxBurst) {
                skipped.add(due - maxBurst);
                sentInPhase += due - maxBurst;
                due = maxBurst;
            }
            try {
                for (long i = 0; i < due; i++) {
                    if (ws.writeQueueFull()) {
                        skipped.add(due - i);
                        sentInPhase += due - i;
                        return;
                    }
                    ws.writeTextMessage(message(System.nanoTime() - BASE));
                    sentInPhase++;
                    sent.increment();
                }
            } catch (IllegalStateException closed) { // closed under us: the close handler reports it
                ready = false;
            }
        }

        /** {@code prefix + {"t":<t>,"pad":"xxx…"} + suffix}, the object exactly payloadBytes long. */
        private String message(long t) {
            sb.setLength(0);
            sb.append(prefix).append("{\"t\":").append(t).append(",\"pad\":\"");
            int objLen = 5 + Long.toString(t).length() + 8 + 2;
            for (int i = objLen; i < payloadBytes; i++) {
                sb.append('x');
            }
            sb.append("\"}").append(suffix);
            return sb.toString();
        }
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
