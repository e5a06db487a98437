package dev.nagare.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stream clients: how many clients reading one stream a server keeps up with. MJPEG viewers
 * ({@code --count frames}: frames counted by multipart boundary, a step passes at {@code --min-fps})
 * or audio listeners ({@code --count bytes}: a step passes when every listener gets at least
 * {@code --min-rate} bytes/s). Viewers are added step by step (doubling, then bisecting between the last pass
 * and the first failure); a step passes when every viewer received at least {@code --min-fps}
 * frames per second over the measured window. Frames are counted by their multipart boundary.
 */
public final class MjpegScenario {
    private final String server;
    private final int port;
    private final String path;
    private final String token;
    private final byte[] boundary;
    private final double minFps;
    private final boolean countBytes;
    private final int start;
    private final long[] extraPids;
    private final double stepSeconds;
    /** How long the first of --steps runs (a warm-up: the JIT compiles the server's steady-state code). */
    private final double firstStepSeconds;
    private final double settleSeconds;
    private final int maxViewers;
    /** Fixed viewer counts measured in turn (no doubling or bisecting), or empty. */
    private final int[] fixedSteps;
    private final long serverPid;
    private final long clkTck;
    private final Path out;
    private Vertx vertx;
    private HttpClient client;
    private final List<Viewer> viewers = new ArrayList<>();

    private MjpegScenario(Opts o) {
        server = o.required("server");
        port = o.integer("port", 0);
        path = o.str("path", "/video_feed");
        token = o.has("token-file") ? read(o.str("token-file", "")) : null;
        boundary = ("\r\n--" + o.str("boundary", "frame")).getBytes(StandardCharsets.US_ASCII);
        countBytes = "bytes".equals(o.str("count", "frames"));
        minFps = countBytes ? o.dbl("min-rate", 14_000) : o.dbl("min-fps", 28.5);
        start = o.integer("start", 1);
        extraPids = java.util.Arrays.stream(o.str("extra-pids", "").split(",")).filter(x -> !x.isBlank())
                .mapToLong(Long::parseLong).toArray();
        stepSeconds = o.dbl("step-seconds", 5);
        firstStepSeconds = o.dbl("first-step-seconds", stepSeconds);
        settleSeconds = o.dbl("settle-seconds", 2);
        maxViewers = o.integer("max-viewers", 1024);
        fixedSteps = java.util.Arrays.stream(o.str("steps", "").split(",")).filter(x -> !x.isBlank())
                .mapToInt(Integer::parseInt).toArray();
        serverPid = o.lng("server-pid", -1);
        clkTck = o.lng("clk-tck", 100);
        out = o.has("out") ? Path.of(o.str("out", "")) : null;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + file, e);
        }
    }

    public static void main(String[] args) throws Exception {
        System.exit(new MjpegScenario(Opts.parse(args, 0)).run());
    }

    private int run() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
                .setKeepAlive(false), new PoolOptions().setHttp1MaxSize(
                Math.max(maxViewers, java.util.Arrays.stream(fixedSteps).max().orElse(0)) + 8));
        JsonArray steps = new JsonArray();
        int lastPass = 0;
        int firstFail = -1;
        int n = start;
        for (int k = 0; k < fixedSteps.length; k++) { // --steps: each count once, in the order given
            int fixed = fixedSteps[k];
            JsonObject st = step(fixed, k == 0 ? firstStepSeconds : stepSeconds);
            steps.add(st);
            if (st.getBoolean("pass")) {
                lastPass = Math.max(lastPass, fixed);
            } else if (firstFail < 0 || fixed < firstFail) {
                firstFail = fixed;
            }
        }
        while (fixedSteps.length == 0 && n <= maxViewers) {
            JsonObject st = step(n, stepSeconds);
            steps.add(st);
            if (st.getBoolean("pass")) {
                lastPass = n;
                if (firstFail < 0) {
                    n *= 2;
                } else if (firstFail - lastPass <= Math.max(1, lastPass / 16)) {
                    break;
                } else {
                    n = (lastPass + firstFail) / 2;
                }
            } else {
                firstFail = n;
                if (firstFail - lastPass <= Math.max(1, lastPass / 16)) {
                    break;
                }
                n = (lastPass + firstFail) / 2;
            }
        }
        JsonObject result = new JsonObject().put("scenario", "mjpeg").put("server", server)
                .put("date", Instant.now().toString()).put("path", path).put("minFps", minFps)
                .put("unit", countBytes ? "bytes/s" : "fps")
                .put("maxViewersAtFullFps", lastPass).put("firstFailingViewers", firstFail).put("steps", steps);
        System.out.println("BENCH_RESULT " + result.encode());
        if (out != null) {
            Files.writeString(out, result.encodePrettily());
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        return 0;
    }

    /** Grows or shrinks the viewer set to {@code n}, lets it settle, and measures every viewer's fps. */
    private JsonObject step(int n, double stepSeconds) throws Exception {
        while (viewers.size() > n) {
            viewers.remove(viewers.size() - 1).close();
        }
        // At most 32 connection attempts in flight, as a crowd of real listeners arrives: a server with a
        // short accept queue (icecast2 listens with a backlog of 5) is measured on serving, not on a
        // connect storm no real audience makes.
        List<Future<Void>> opening = new ArrayList<>();
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(32);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (viewers.size() < n && window.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            Viewer v = new Viewer();
            viewers.add(v);
            Future<Void> f = v.open();
            f.onComplete(ar -> window.release());
            opening.add(f);
        }
        try {
            Future.all(opening).await(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())),
                    TimeUnit.SECONDS);
        } catch (Exception e) {
            // Clients the server did not take count as failed in this step (the step fails); go on measuring.
            System.out.printf(Locale.ROOT, "%s: not every client could connect (%s)%n", server, e);
        }
        Thread.sleep(Math.round(settleSeconds * 1000));
        long[] before = viewers.stream().mapToLong(v -> v.frames.get()).toArray();
        long cpu0 = serverPid > 0 ? ProcStats.cpuNanos(serverPid, clkTck) + childrenCpu() : 0;
        long own0 = ProcStats.selfCpuNanos();
        long t0 = System.nanoTime();
        Thread.sleep(Math.round(stepSeconds * 1000));
        double secs = (System.nanoTime() - t0) / 1e9;
        long cpu1 = serverPid > 0 ? ProcStats.cpuNanos(serverPid, clkTck) + childrenCpu() : 0;
        double ownPct = (ProcStats.selfCpuNanos() - own0) / 1e9 / secs * 100;
        double min = Double.MAX_VALUE;
        double sum = 0;
        int dead = 0;
        for (int i = 0; i < viewers.size(); i++) {
            double fps = (viewers.get(i).frames.get() - before[i]) / secs;
            min = Math.min(min, fps);
            sum += fps;
            if (viewers.get(i).failed) {
                dead++;
            }
        }
        double cpuPct = serverPid > 0 ? (cpu1 - cpu0) / 1e9 / secs * 100 : -1;
        boolean pass = dead == 0 && min >= minFps;
        JsonObject st = new JsonObject().put("viewers", n).put("minFps", round(min)).put("meanFps", round(sum / n))
                .put("serverCpuPctPerClient", round(cpuPct / n * 1000) / 1000)
                .put("serverCpuPct", round(cpuPct)).put("serverCpuMicrosPerClientSecond", round(cpuPct * 10_000 / n)).put("loadgenCpuPct", round(ownPct)).put("failedViewers", dead)
                .put("pass", pass);
        System.out.printf(Locale.ROOT, "%s: %4d clients: min %.1f %s, mean %.1f, server CPU %.0f%%, load generator"
                + " CPU %.0f%%%s -> %s%n", server, n, min, countBytes ? "bytes/s" : "fps", sum / n, cpuPct, ownPct,
                dead == 0 ? "" : ", " + dead + " failed", pass ? "pass" : "FAIL");
        return st;
    }

    /** CPU of the server's child processes still running (Nagare's ffmpeg), and of --extra-pids, from /proc. */
    private long childrenCpu() {
        long total = 0;
        for (long pid : extraPids) {
            total += ProcStats.cpuNanos(pid, clkTck);
        }
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path p : dirs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(f[1]) == serverPid) {
                        total += ProcStats.cpuNanos(Long.parseLong(name), clkTck);
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return 0;
        }
        return total;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** One reader of the stream; counts boundaries across chunk edges. */
    private final class Viewer {
        final AtomicLong frames = new AtomicLong();
        volatile boolean failed;
        private HttpClientRequest request;
        private int matched; // bytes of the boundary matched at the end of the last chunk

        Future<Void> open() {
            RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setURI(path);
            if (token != null) {
                o.putHeader("Authorization", "Bearer " + token);
            }
            return client.request(o).compose(req -> {
                request = req;
                return req.send();
            }).map(res -> {
                if (res.statusCode() != 200) {
                    failed = true;
                    throw new IllegalStateException("HTTP " + res.statusCode());
                }
                res.handler(this::scan);
                res.exceptionHandler(e -> failed = true);
                res.endHandler(v -> failed = true);
                return (Void) null;
            }).onFailure(e -> failed = true);
        }

        private void scan(Buffer chunk) {
            if (countBytes) {
                frames.addAndGet(chunk.length());
                return;
            }
            byte[] b = chunk.getBytes();
            int m = matched;
            long found = 0;
            for (byte x : b) {
                if (x == boundary[m]) {
                    if (++m == boundary.length) {
                        found++;
                        m = 0;
                    }
                } else {
                    m = x == boundary[0] ? 1 : 0;
                }
            }
            matched = m;
            frames.addAndGet(found);
        }

        void close() {
            if (request != null) {
                request.reset();
            }
        }
    }
}
