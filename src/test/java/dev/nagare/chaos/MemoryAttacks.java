package dev.nagare.chaos;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One ordinary account runs every memory attack at once against a server with its default limits,
 * from 127.0.0.2, while a {@link HealthProbe} asks 127.0.0.1's way in every 100 ms. Each attack is a
 * bounded loop that counts what the server answered; the server must stay within a stated live heap
 * and RSS and answer every probe within 100 ms.
 */
final class MemoryAttacks {
    /** Live heap after the attack, with -Xmx256m. */
    static final long LIVE_HEAP_BOUND = 128L << 20;
    /** Peak RSS during the attack: measured at 230-320 MB (CI size, 2-core machine, -Xmx256m); 600 MB leaves headroom. */
    static final long RSS_BOUND = 600L << 20;
    static final String FROM = "127.0.0.2";
    private static final int MAX_PAYLOAD = 1_000_000; // the default --max-payload
    private static final String[] KINDS = {"binary", "publish", "subscribe", "rooms", "idle", "mjpeg", "history"};

    private final int seconds;
    private final Vertx vertx = Vertx.vertx();
    private final java.util.Map<String, Tally> tallies = new java.util.LinkedHashMap<>();
    private JarServer server;
    private String token;
    private long deadline;

    MemoryAttacks(ChaosScenarios.Sizes sizes) {
        this.seconds = sizes.memorySeconds();
        for (String k : KINDS) {
            tallies.put(k, new Tally());
        }
    }

    /** Two rows, both asserted: memory and liveness, and the health latency bound. */
    List<ChaosReport.Row> run(JarServer target, String bearer) throws Exception {
        this.server = target;
        this.token = bearer;
        int errorsBefore = server.errorLines().size();
        long heapBefore = server.liveHeapBytes();
        long rssBefore = server.rssBytes();
        warmUp(server.port());
        HealthProbe quiet = new HealthProbe(server.port()).start();
        Thread.sleep(3000); // the probe's figures with no attack running: what this machine gives anyway
        quiet.stop();
        long[] loop0 = eventLoopSchedstat(server.pid());
        long cpu0Busy0 = cpuBusyMillis(0);
        java.util.Map<String, long[]> threads0 = threadSchedstat(server.pid());
        long serverCpu0 = processCpuMillis(server.pid());
        long ownCpu0 = ownCpuMillis();
        long wall0 = System.nanoTime();
        HealthProbe probe = new HealthProbe(server.port()).start();
        // Where the README points health checks: --management-port, an event loop of its own.
        HealthProbe managed = server.managementPort() > 0 ? new HealthProbe(server.managementPort()).start() : null;
        LoopStretches stretches = new LoopStretches(server.pid()).start();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(KINDS.length);
        List<Callable<Void>> attacks = List.of(this::binary, this::publish, this::subscribe, this::rooms, this::idle,
                this::mjpeg, this::history);
        // -Dchaos.memory.attacks=idle,binary runs only those (to find which one hurts); all by default
        List<String> chosen = List.of(System.getProperty("chaos.memory.attacks", String.join(",", KINDS)).split(","));
        List<java.util.concurrent.Future<Void>> running = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < KINDS.length; i++) {
            if (chosen.contains(KINDS[i])) {
                running.add(pool.submit(attacks.get(i)));
                names.add(KINDS[i]);
            }
        }
        long peakRss = rssBefore;
        // Attacks stop at the deadline; one stuck in a client timeout gets 3 s more, then is interrupted.
        long stop = deadline + TimeUnit.SECONDS.toNanos(3);
        while (running.stream().anyMatch(f -> !f.isDone()) && server.alive() && System.nanoTime() < stop) {
            peakRss = Math.max(peakRss, server.rssBytes());
            Thread.sleep(250); // RSS sampled four times a second
        }
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            try {
                running.get(i).get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof InterruptedException)) {
                    failures.add(names.get(i) + ": " + e.getCause());
                }
            }
        }
        long[] loop1 = eventLoopSchedstat(server.pid());
        List<LoopStretches.Stretch> busy = stretches.stop();
        long cpu0Busy = cpuBusyMillis(0) - cpu0Busy0;
        System.out.println("chaos: server threads during the attack (ran ms / waited for a CPU ms): "
                + threadsDelta(threads0, threadSchedstat(server.pid())));
        long serverCpu = processCpuMillis(server.pid()) - serverCpu0;
        long ownCpu = ownCpuMillis() - ownCpu0;
        long wall = (System.nanoTime() - wall0) / 1_000_000;
        probe.stop();
        if (managed != null) {
            managed.stop();
        }
        vertx.close().await(30, TimeUnit.SECONDS);
        boolean alive = server.alive();
        long heapAfter = alive ? server.liveHeapBytes() : -1;
        long errors = server.errorLines().size() - errorsBefore;
        boolean held = alive && probe.failed() == 0 && probe.probes() > 0 && heapAfter <= LIVE_HEAP_BOUND
                && peakRss <= RSS_BOUND && failures.isEmpty() && errors == 0;
        StringBuilder tried = new StringBuilder(String.format("after %,d ordinary requests, user mallory from %s for %d s, all at once:", WARM_UP_REQUESTS, FROM, seconds));
        names.forEach(k -> tried.append(' ').append(k).append(" (").append(tallies.get(k)).append(");"));
        String cpu = String.format("the event loops ran %,d ms and waited %,d ms for a CPU during the attack, in which the"
                + " server used %,d ms of CPU and the attacking test JVM %,d ms in %,d ms (%s)",
                (loop1[0] - loop0[0]) / 1_000_000, (loop1[1] - loop0[1]) / 1_000_000, serverCpu, ownCpu, wall,
                server.pinned() ? String.format("server pinned to CPU 0, attacker to CPU 1; CPU 0 was busy %,d ms, so"
                        + " other processes took about %,d ms of it", cpu0Busy, Math.max(0, cpu0Busy - serverCpu))
                        : "unpinned, cores shared");
        ChaosReport.Row bounded = new ChaosReport.Row("Memory attacks by one account (default limits)", tried.toString(),
                held, probe.failed(), String.format("alive: %s; health probes failed: %d of %d; live heap %.1f MB before,"
                        + " %.1f MB after (bound %d MB, -Xmx256m); RSS %.0f MB before, peak %.0f MB (bound %d MB); ERROR"
                        + " lines: %d%s", alive ? "yes" : "NO", probe.failed(), probe.probes(), heapBefore / 1e6,
                        heapAfter / 1e6, LIVE_HEAP_BOUND >> 20, rssBefore / 1e6, peakRss / 1e6, RSS_BOUND >> 20, errors,
                        failures.isEmpty() ? "" : "; attack errors: " + failures));
        String mainPort = String.format("the main port during the attack %s; before it, %s; %s; %s", probe.describe(),
                quiet.describe(), cpu, LoopStretches.describe(busy, 3));
        ChaosReport.Row fast = managed == null
                ? new ChaosReport.Row("Health within 100 ms during those attacks",
                        "GET /health/live every 100 ms from another address, on a kept-alive connection",
                        probe.slow() == 0 && probe.failed() == 0, probe.slow() + probe.failed(), mainPort)
                : new ChaosReport.Row("Health within 100 ms during those attacks",
                        "GET /health/live every 100 ms on the management port (--management-port: its own event loop),"
                                + " on a kept-alive connection; the same on the main port, whose event loop the attack"
                                + " floods, for comparison",
                        managed.slow() == 0 && managed.failed() == 0, managed.slow() + managed.failed(),
                        "the management port: " + managed.describe() + "; " + mainPort);
        return List.of(bounded, fast);
    }

    static final int WARM_UP_REQUESTS = 3000;

    /**
     * Ordinary traffic first, as a server that has been up for a while has seen: requests on new
     * connections from another address, so the connection and request paths are compiled. A cold
     * JVM interprets them, and a burst of thousands of connections then holds the event loop for
     * half a second (measured: the first probe of the attack at 500-900 ms without this).
     */
    private static void warmUp(int port) throws IOException {
        byte[] request = "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = 0; i < WARM_UP_REQUESTS; i++) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.3"), 0));
                s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(5000);
                s.getOutputStream().write(request);
                s.getInputStream().readAllBytes();
            }
        }
    }

    /**
     * Nanoseconds the server's event-loop threads spent on a CPU and waiting in the run queue for one
     * (Linux /proc/PID/task/TID/schedstat): tells a loop blocked by our code from one starved by the machine.
     */
    static long[] eventLoopSchedstat(long pid) throws IOException {
        long[] sum = new long[2];
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc", String.valueOf(pid), "task"))) {
            for (java.nio.file.Path task : tasks.toList()) {
                try {
                    if (java.nio.file.Files.readString(task.resolve("comm")).startsWith("vert.x-eventloo")) {
                        String[] f = java.nio.file.Files.readString(task.resolve("schedstat")).trim().split(" ");
                        sum[0] += Long.parseLong(f[0]);
                        sum[1] += Long.parseLong(f[1]);
                    }
                } catch (IOException gone) {
                    // the thread ended while we listed it
                }
            }
        }
        return sum;
    }

    /** Per thread name (digits folded to #), nanoseconds on a CPU and waiting for one (/proc/PID/task/TID/schedstat). */
    static java.util.Map<String, long[]> threadSchedstat(long pid) throws IOException {
        java.util.Map<String, long[]> by = new java.util.TreeMap<>();
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc", String.valueOf(pid), "task"))) {
            for (java.nio.file.Path task : tasks.toList()) {
                try {
                    String name = java.nio.file.Files.readString(task.resolve("comm")).trim().replaceAll("\\d+", "#");
                    String[] f = java.nio.file.Files.readString(task.resolve("schedstat")).trim().split(" ");
                    long[] sum = by.computeIfAbsent(name, k -> new long[2]);
                    sum[0] += Long.parseLong(f[0]);
                    sum[1] += Long.parseLong(f[1]);
                } catch (IOException gone) {
                    // the thread ended while we listed it
                }
            }
        }
        return by;
    }

    private static String threadsDelta(java.util.Map<String, long[]> before, java.util.Map<String, long[]> after) {
        StringBuilder b = new StringBuilder();
        after.entrySet().stream().map(e -> {
            long[] was = before.getOrDefault(e.getKey(), new long[2]);
            return java.util.Map.entry(e.getKey(), new long[] {(e.getValue()[0] - was[0]) / 1_000_000,
                    (e.getValue()[1] - was[1]) / 1_000_000});
        }).filter(e -> e.getValue()[0] >= 10).sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]))
                .forEach(e -> b.append(e.getKey()).append(' ').append(e.getValue()[0]).append('/')
                        .append(e.getValue()[1]).append("; "));
        return b.toString();
    }

    /** CPU time (user and system) of process {@code pid} so far, from /proc/PID/stat (ticks of 10 ms). */
    static long processCpuMillis(long pid) throws IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // utime and stime: fields 14 and 15 of stat
    }

    /** Non-idle time of CPU {@code cpu} so far, whoever ran on it (/proc/stat, ticks of 10 ms). */
    static long cpuBusyMillis(int cpu) throws IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))) {
            if (line.startsWith("cpu" + cpu + " ")) {
                String[] f = line.trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i <= 8; i++) { // user nice system idle iowait irq softirq steal
                    busy += i == 4 || i == 5 ? 0 : Long.parseLong(f[i]);
                }
                return busy * 10;
            }
        }
        return 0;
    }

    private static long ownCpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
    }

    private boolean running() {
        return System.nanoTime() < deadline;
    }

    /** Waits until {@code n} ticks of {@code perSecond} after {@code start}: the attack's own pace. */
    private static void pace(long start, long n, int perSecond) throws InterruptedException {
        long wait = start + n * 1_000_000_000L / perSecond - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private HttpClient http(int connections) {
        return vertx.createHttpClient(new HttpClientOptions().setLocalAddress(FROM).setDefaultHost("127.0.0.1")
                .setDefaultPort(server.port()).setConnectTimeout(5000), new PoolOptions().setHttp1MaxSize(connections));
    }

    private RequestOptions request(HttpMethod method, String uri) {
        return new RequestOptions().setMethod(method).setURI(uri).putHeader("Authorization", "Bearer " + token);
    }

    private static String outcome(Throwable e) {
        return "error " + e.getClass().getSimpleName();
    }

    /** (a) Packets announcing 10 attachments, 9 sent of (maxPayload/10 - 1000) bytes, never the 10th. */
    private Void binary() throws Exception {
        Tally t = tallies.get("binary");
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(FROM)
                .setMaxConnections(2000));
        StringBuilder head = new StringBuilder("4510-/chat,[\"upload\""); // Engine.IO MESSAGE, Socket.IO BINARY_EVENT
        for (int i = 0; i < 10; i++) {
            head.append(",{\"_placeholder\":true,\"num\":").append(i).append('}');
        }
        head.append(']');
        byte[] part = new byte[MAX_PAYLOAD / 10 - 1000];
        List<RawSocketIo> held = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean ending = new java.util.concurrent.atomic.AtomicBoolean();
        long start = System.nanoTime();
        for (long n = 0; running() && n < 2000; n++) {
            pace(start, n, 50);
            RawSocketIo s;
            try {
                s = RawSocketIo.join(client, server.port(), "/chat", token);
            } catch (Exception e) {
                t.add("refused (" + e.getClass().getSimpleName() + ")");
                continue;
            }
            if (s == null) {
                t.add("refused at connect");
                continue;
            }
            t.add("opened");
            s.closed.thenAccept(code -> t.add(ending.get() ? "closed by us at the end" : "closed by the server " + code));
            s.send(head.toString());
            for (int i = 0; i < 9; i++) {
                s.sendBinary(part);
            }
            held.add(s);
        }
        ending.set(true);
        held.forEach(RawSocketIo::close);
        return null;
    }

    /** (b) SSE publishes of 64K-character events at 100/s over 1,000 channels. */
    private Void publish() throws Exception {
        Tally t = tallies.get("publish");
        HttpClient client = http(16);
        Buffer body = Buffer.buffer("{\"data\":\"" + "x".repeat(65_536) + "\"}");
        Semaphore inFlight = new Semaphore(64);
        long start = System.nanoTime();
        for (long n = 0; running(); n++) {
            pace(start, n, 100);
            if (!inFlight.tryAcquire()) {
                t.add("not sent (64 in flight)");
                continue;
            }
            client.request(request(HttpMethod.POST, "/api/sse/flood-" + (n % 1000)).putHeader("Content-Type",
                    "application/json")).compose(req -> req.send(body)).compose(res -> res.body()
                    .map(b -> String.valueOf(res.statusCode()))).onComplete(ar -> {
                        t.add(ar.succeeded() ? ar.result() : outcome(ar.cause()));
                        inFlight.release();
                    });
        }
        inFlight.tryAcquire(64, 10, TimeUnit.SECONDS);
        client.close();
        return null;
    }

    /** (c) Subscribes to 1,000 different SSE channels, held open. */
    private Void subscribe() throws Exception {
        Tally t = tallies.get("subscribe");
        HttpClient client = http(1000);
        ConcurrentLinkedQueue<HttpClientRequest> open = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        for (int n = 0; running() && n < 1000; n++) {
            pace(start, n, 100);
            client.request(request(HttpMethod.GET, "/sse/watch-" + n)).compose(req -> req.send().map(res -> {
                t.add(String.valueOf(res.statusCode()));
                if (res.statusCode() == 200) {
                    open.add(req);
                    res.handler(b -> { });
                } else {
                    res.body();
                }
                return res;
            })).onFailure(e -> t.add(outcome(e)));
        }
        while (running()) {
            Thread.sleep(100); // holding the streams until the attack ends
        }
        open.forEach(HttpClientRequest::reset);
        client.close();
        return null;
    }

    /** (d) Chat rooms created as fast as the server acks them, each left at once (the per-user room cap counts rooms one is in). */
    private Void rooms() throws Exception {
        Tally t = tallies.get("rooms");
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(FROM));
        RawSocketIo s = null;
        for (int n = 1; running() && n <= 100_000; n++) {
            if (s == null || s.isClosed()) {
                s = join(client, t);
                if (s == null) {
                    continue;
                }
            }
            s.send("42/chat," + n + "[\"create\",{\"room\":\"m-" + n + "\"}]");
            String prefix = "43/chat," + n + "[";
            String reply;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            do {
                reply = s.frames.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } while (reply != null && !reply.startsWith(prefix));
            java.util.regex.Matcher refused = reply == null ? null
                    : java.util.regex.Pattern.compile("\"error\":\"([a-z_]+)\"").matcher(reply);
            t.add(reply == null ? "no ack in 5 s" : refused.find() ? "refused " + refused.group(1) : "created");
            s.send("42/chat,[\"leave\",{\"room\":\"m-" + n + "\"}]");
        }
        if (s != null) {
            s.close();
        }
        return null;
    }

    private RawSocketIo join(WebSocketClient client, Tally t) throws InterruptedException {
        try {
            RawSocketIo s = RawSocketIo.join(client, server.port(), "/chat", token);
            if (s == null) {
                t.add("session refused");
            }
            return s;
        } catch (Exception e) {
            t.add("session refused");
            Thread.sleep(100); // the connect rate refused it: try again a little later
            return null;
        }
    }

    /** (e) 2,000 TCP connections that never send a request; closed ones are replaced (at most 20,000 in all). */
    private Void idle() throws Exception {
        Tally t = tallies.get("idle");
        List<SocketChannel> open = new ArrayList<>();
        ByteBuffer probe = ByteBuffer.allocate(16);
        long opened = 0;
        long maxOpen = 0;
        try {
            while (running()) {
                while (open.size() < 2000 && opened < 20_000 && running()) {
                    SocketChannel ch = SocketChannel.open();
                    opened++;
                    try {
                        ch.bind(new InetSocketAddress(InetAddress.getByName(FROM), 0));
                        ch.connect(new InetSocketAddress("127.0.0.1", server.port()));
                        ch.configureBlocking(false);
                        open.add(ch);
                        t.add("connected");
                    } catch (IOException e) {
                        t.add("connect failed");
                        ch.close();
                    }
                }
                for (Iterator<SocketChannel> it = open.iterator(); it.hasNext(); ) {
                    SocketChannel ch = it.next();
                    int n;
                    try {
                        n = ch.read(probe.clear());
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n != 0) {
                        t.add(n < 0 ? "closed by the server" : "answered by the server");
                        ch.close();
                        it.remove();
                    }
                }
                maxOpen = Math.max(maxOpen, open.size());
                Thread.sleep(200); // sweep five times a second for connections the server closed
            }
        } finally {
            for (SocketChannel ch : open) {
                ch.close();
            }
        }
        t.add("held at most " + maxOpen + " at once");
        return null;
    }

    /** (f) MJPEG viewers that read the status line and then never read again. */
    private Void mjpeg() throws Exception {
        Tally t = tallies.get("mjpeg");
        List<SlowSocket> held = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int n = 0; running() && n < 100; n++) {
                pace(start, n, 10);
                try {
                    SlowSocket s = SlowSocket.open(FROM, server.port(), "/video/default", token);
                    t.add(String.valueOf(s.statusCode()));
                    if (s.statusCode() == 200) {
                        held.add(s);
                    } else {
                        s.close();
                    }
                } catch (IOException e) {
                    t.add(outcome(e));
                }
            }
            while (running()) {
                Thread.sleep(100); // holding the paused viewers until the attack ends
            }
        } finally {
            held.forEach(SlowSocket::close);
        }
        return null;
    }

    /** (g) Feed history requests, up to 16 in flight and 200 a second. */
    private Void history() throws Exception {
        Tally t = tallies.get("history");
        HttpClient client = http(16);
        Semaphore inFlight = new Semaphore(16);
        long start = System.nanoTime();
        for (long n = 0; running(); n++) {
            pace(start, n, 200);
            if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            Future<String> f = client.request(request(HttpMethod.GET, "/api/feeds/market/history?seconds=900&points=2000"))
                    .compose(req -> req.send()).compose(res -> res.body().map(b -> String.valueOf(res.statusCode())));
            f.onComplete(ar -> {
                t.add(ar.succeeded() ? ar.result() : outcome(ar.cause()));
                inFlight.release();
            });
        }
        inFlight.tryAcquire(16, 10, TimeUnit.SECONDS);
        client.close();
        return null;
    }
}
