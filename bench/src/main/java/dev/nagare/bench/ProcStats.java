package dev.nagare.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of this process (JMX) and of another process (Linux /proc). */
final class ProcStats {
    private ProcStats() {
    }

    /** CPU time (user + system) used so far by this JVM, in nanoseconds; -1 when unknown. */
    static long selfCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** The JVM's own view of recent whole-process CPU load, 0..1 of all its processors; -1 when unknown. */
    static double selfCpuLoad() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuLoad();
        }
        return -1;
    }

    /** CPU time (utime + stime) used so far by process {@code pid}, in nanoseconds; -1 when unknown. */
    static long cpuNanos(long pid, long clockTicksPerSecond) {
        long[] split = cpuSplitNanos(pid, clockTicksPerSecond);
        return split == null ? -1 : split[0] + split[1];
    }

    /** {user, system} CPU time used so far by process {@code pid}, in nanoseconds; null when unknown. */
    static long[] cpuSplitNanos(long pid, long clockTicksPerSecond) {
        if (pid <= 0) {
            return null;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // The command name (field 2) may contain spaces: fields are counted after its ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            long k = 1_000_000_000L / clockTicksPerSecond;
            return new long[] {Long.parseLong(f[11]) * k, Long.parseLong(f[12]) * k}; // utime, stime (fields 14, 15)
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Resident set size of process {@code pid} in bytes; -1 when unknown. */
    static long rssBytes(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * CPU time of the whole machine so far, in nanoseconds: {busy excluding irq and softirq, irq +
     * softirq}, or null when unknown. Loopback traffic is processed largely in softirq, which no
     * process is charged for.
     */
    static long[] machineCpuNanos(long clockTicksPerSecond) {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0); // cpu user nice system idle iowait irq softirq steal
            String[] f = first.trim().split("\\s+");
            long user = Long.parseLong(f[1]) + Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long irq = Long.parseLong(f[6]) + Long.parseLong(f[7]);
            long k = 1_000_000_000L / clockTicksPerSecond;
            return new long[] {(user + system) * k, irq * k};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Number of threads of process {@code pid}; -1 when unknown. */
    static int threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * The machine may be shared: waits (at most {@code maxSeconds}) until processes other than the
     * server {@code serverPid} and this one use less than {@code noisyPct} of a core. Returns the
     * seconds waited.
     */
    static double waitQuiet(long serverPid, long clkTck, double maxSeconds, double noisyPct, String server)
            throws InterruptedException {
        long t0 = System.nanoTime();
        boolean told = false;
        while ((System.nanoTime() - t0) / 1e9 < maxSeconds) {
            long[] m0 = machineCpuNanos(clkTck);
            long s0 = cpuNanos(serverPid, clkTck);
            long c0 = selfCpuNanos();
            long w0 = System.nanoTime();
            Thread.sleep(500);
            long[] m1 = machineCpuNanos(clkTck);
            long s1 = cpuNanos(serverPid, clkTck);
            long c1 = selfCpuNanos();
            if (m0 == null || m1 == null || s0 < 0 || s1 < 0 || c0 < 0 || c1 < 0) {
                break;
            }
            double other = ((m1[0] - m0[0]) - (s1 - s0) - (c1 - c0)) / (double) (System.nanoTime() - w0) * 100;
            if (other < noisyPct) {
                break;
            }
            if (!told) {
                System.out.printf(java.util.Locale.ROOT, "%s: other processes use %.0f%% of a core; waiting up to %.0f s for them%n",
                        server, other, maxSeconds);
                told = true;
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Runs a full GC in the JVM {@code pid} with jcmd; returns the time it took in ms, or -1. */
    static double fullGc(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (pid <= 0 || !Files.isExecutable(jcmd)) {
            return -1;
        }
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return (System.nanoTime() - t0) / 1e6;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Counter name to value, sorted by name. */
    static io.vertx.core.json.JsonObject sums(java.util.Map<String, java.util.concurrent.atomic.LongAdder> m) {
        io.vertx.core.json.JsonObject o = new io.vertx.core.json.JsonObject();
        new java.util.TreeMap<>(m).forEach((k, v) -> o.put(k, v.sum()));
        return o;
    }
}
