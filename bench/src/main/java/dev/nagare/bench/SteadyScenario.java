package dev.nagare.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Server CPU per delivery at a fixed, moderate load (issue #21): the broadcast scenario's receivers
 * and publisher ({@link BroadcastScenario}, same wire code), the publisher at a fixed rate on a
 * freshly started server. Two windows: "cold", the first seconds after publishing starts (the JIT
 * still compiling, the heap still growing), and "warm", measured after a further warm-up. Server CPU
 * is split into user and system time (/proc), since the write system calls of a fan-out are a large
 * part of it and a Java profiler sees none of them.
 *
 * <p>With {@code --jfr FILE} (a JVM server), a flight recording (Java code sampled every 1 ms) is started with {@code jcmd} as the
 * warm-up begins (its own start-up cost lands there) and dumped to FILE when the warm window ends;
 * the window's wall-clock bounds are in the result, for {@link Flame} to cut the samples to it.
 */
public final class SteadyScenario {
    private final Opts opts;
    private final String server;
    private final int clients;
    private final double rate;
    private final double coldSeconds;
    private final double warmupSeconds;
    private final double warmSeconds;
    private final long serverPid;
    private final long clkTck;

    private SteadyScenario(Opts o) {
        opts = o;
        server = o.required("server");
        clients = o.integer("clients", 1000);
        rate = o.dbl("rate", 50);
        coldSeconds = o.dbl("cold-seconds", 5);
        warmupSeconds = o.dbl("warmup-seconds", 10);
        warmSeconds = o.dbl("warm-seconds", 10);
        serverPid = o.lng("server-pid", -1);
        clkTck = o.lng("clk-tck", 100);
    }

    public static void main(String[] args) throws Exception {
        System.exit(new SteadyScenario(Opts.parse(args, 0)).run());
    }

    private int run() throws Exception {
        JsonObject result = new JsonObject().put("scenario", "steady").put("server", server).put("clients", clients)
                .put("rateMsgsPerSec", rate).put("targetDeliveriesPerSec", Math.round(rate * clients))
                .put("coldSeconds", coldSeconds).put("warmupSeconds", warmupSeconds).put("warmSeconds", warmSeconds)
                .put("serverJvmOptions", opts.str("server-jvm-options", ""));
        List<String> errors = new ArrayList<>();
        BroadcastScenario load = new BroadcastScenario(opts);
        boolean ok = false;
        try {
            load.open(result);
            load.intervalHistogram();
            load.publishRate(rate); // publishing starts: the cold window begins now
            result.put("cold", window(load, coldSeconds, "cold"));
            String jfr = opts.str("jfr", null);
            if (jfr != null) {
                jcmd("JFR.start", "name=steady", "settings=" + settings(Path.of(jfr)));
            }
            Thread.sleep(Math.round(warmupSeconds * 1000));
            long from = System.currentTimeMillis();
            result.put("warm", window(load, warmSeconds, "warm"));
            if (jfr != null) {
                jcmd("JFR.dump", "name=steady", "filename=" + Path.of(jfr).toAbsolutePath());
                jcmd("JFR.stop", "name=steady");
                result.put("profile", new JsonObject().put("jfr", jfr).put("fromEpochMs", from)
                        .put("toEpochMs", System.currentTimeMillis()));
            }
            load.publishRate(0);
            ok = true;
        } catch (Exception e) {
            errors.add(e.toString());
            System.out.println(server + ": ERROR " + e);
        }
        result.put("disconnects", load.counts()[2]).put("errors", new JsonArray(errors))
                .put("finishedAt", Instant.now().toString());
        load.close();
        if (opts.has("out")) {
            Path out = Path.of(opts.str("out", ""));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, result.encodePrettily() + "\n");
            System.out.println(server + ": wrote " + out);
        }
        return ok ? 0 : 3;
    }

    /** Measures {@code seconds} of the running load: deliveries, latency and CPU of each side. */
    private JsonObject window(BroadcastScenario load, double seconds, String name) throws InterruptedException {
        long[] n0 = load.counts();
        long[] srv0 = ProcStats.cpuSplitNanos(serverPid, clkTck);
        long lg0 = ProcStats.selfCpuNanos();
        long[] all0 = ProcStats.machineCpuNanos(clkTck);
        long t0 = System.nanoTime();
        Thread.sleep(Math.round(seconds * 1000));
        long t1 = System.nanoTime();
        long[] n1 = load.counts();
        long[] srv1 = ProcStats.cpuSplitNanos(serverPid, clkTck);
        long lg1 = ProcStats.selfCpuNanos();
        long[] all1 = ProcStats.machineCpuNanos(clkTck);
        Histogram h = load.intervalHistogram();
        double secs = (t1 - t0) / 1e9;
        long deliveries = n1[0] - n0[0];
        JsonObject w = new JsonObject().put("seconds", round(secs, 3)).put("deliveries", deliveries)
                .put("published", n1[1] - n0[1]).put("deliveriesPerSec", Math.round(deliveries / secs))
                .put("deliveryRatio", round(deliveries / secs / (rate * clients), 4))
                .put("disconnects", n1[2] - n0[2])
                .put("p50Ms", round(h.getValueAtPercentile(50) / 1000.0, 3))
                .put("p99Ms", round(h.getValueAtPercentile(99) / 1000.0, 3))
                .put("maxMs", round(h.getMaxValue() / 1000.0, 3))
                .put("serverRssMb", Math.round(ProcStats.rssBytes(serverPid) / 1048576.0));
        double lgPct = (lg1 - lg0) / 1e9 / secs * 100;
        w.put("loadgenCpuPct", round(lgPct, 1));
        if (srv0 != null && srv1 != null && deliveries > 0) {
            long user = srv1[0] - srv0[0];
            long system = srv1[1] - srv0[1];
            w.put("serverUserNanos", user).put("serverSystemNanos", system)
                    .put("serverCpuPct", round((user + system) / 1e9 / secs * 100, 1))
                    .put("cpuUsPerDelivery", round((user + system) / 1e3 / deliveries, 3))
                    .put("userUsPerDelivery", round(user / 1e3 / deliveries, 3))
                    .put("systemUsPerDelivery", round(system / 1e3 / deliveries, 3))
                    .put("systemShare", round(system / (double) Math.max(1, user + system), 3));
            if (all0 != null && all1 != null) {
                double allPct = (all1[0] - all0[0]) / 1e9 / secs * 100;
                w.put("softirqCpuPct", round((all1[1] - all0[1]) / 1e9 / secs * 100, 1))
                        .put("otherCpuPct", round(Math.max(0, allPct - (user + system) / 1e9 / secs * 100 - lgPct), 1));
            }
        }
        System.out.printf(Locale.ROOT, "%s %s: %.1f s, %,d deliveries/s (%.1f%%), server CPU %.2f µs/delivery (user %.2f,"
                        + " system %.2f), server %.0f%%, loadgen %.0f%%, other %.0f%%, p50 %.2f ms, p99 %.2f ms%n",
                server, name, secs, w.getLong("deliveriesPerSec"), w.getDouble("deliveryRatio") * 100,
                w.getDouble("cpuUsPerDelivery", -1.0), w.getDouble("userUsPerDelivery", -1.0),
                w.getDouble("systemUsPerDelivery", -1.0), w.getDouble("serverCpuPct", -1.0), lgPct,
                w.getDouble("otherCpuPct", -1.0), w.getDouble("p50Ms"), w.getDouble("p99Ms"));
        return w;
    }

    /**
     * The JDK's "profile" settings with Java code sampled every 1 ms instead of 10 (one busy event
     * loop gives a few hundred samples a second rather than tens), written beside the recording.
     */
    private static String settings(Path jfr) throws java.io.IOException {
        String profile = Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"));
        Path out = jfr.toAbsolutePath().resolveSibling(jfr.getFileName() + ".jfc");
        String control = "control=\"method-sampling-java-interval\">";
        Files.writeString(out, profile.replaceFirst(control + "[^<]*", control + "1 ms"));
        return out.toString();
    }

    /** Runs {@code jcmd <server pid> args...} and waits for it (a flight recording's start or dump). */
    private void jcmd(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(serverPid)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String outText = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", args) + " failed: " + outText.strip());
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
