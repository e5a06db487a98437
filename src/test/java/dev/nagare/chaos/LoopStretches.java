package dev.nagare.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches the server's event loops from outside (Linux /proc) every few milliseconds and records
 * their busy stretches: time in which a loop never went idle (no voluntary context switch, so it
 * never waited in epoll), with the CPU time it ran in them. The CPU time of a stretch does not depend
 * on what else this machine runs, so the longest stretch tells how long a request can wait behind the
 * loop's own work even on a machine the server has to itself; the wall time says how much the
 * machine added.
 */
final class LoopStretches implements Runnable {
    /** One stretch: when it began (wall clock, ms), its length and the loop's CPU time in it. */
    record Stretch(String thread, long startMillis, long wallMillis, long cpuMillis) {
        @Override
        public String toString() {
            return String.format("%d ms CPU in %d ms at %s UTC", cpuMillis, wallMillis,
                    DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(startMillis)));
        }
    }

    private static final class Watch {
        final Path task;
        final String name;
        long switches = -1;
        long runNs;
        long waitNs;
        long stretchStart = -1;
        long stretchWallStart;
        long stretchRunStart;

        Watch(Path task, String name) {
            this.task = task;
            this.name = name;
        }
    }

    private final long pid;
    private final List<Stretch> stretches = new ArrayList<>();
    private volatile boolean running = true;
    private Thread thread;

    LoopStretches(long pid) {
        this.pid = pid;
    }

    LoopStretches start() {
        thread = new Thread(this, "chaos-loop-stretches");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    List<Stretch> stop() throws InterruptedException {
        running = false;
        thread.join();
        synchronized (stretches) {
            return List.copyOf(stretches);
        }
    }

    @Override
    public void run() {
        Map<Path, Watch> watches = new HashMap<>();
        long lastList = 0;
        while (running) {
            try {
                if (System.nanoTime() - lastList > 1_000_000_000L) {
                    lastList = System.nanoTime();
                    try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
                        for (Path t : tasks.toList()) {
                            String comm = Files.readString(t.resolve("comm")).trim();
                            if (comm.startsWith("vert.x-eventloo")) {
                                watches.computeIfAbsent(t, k -> new Watch(k, comm));
                            }
                        }
                    }
                }
                for (Watch w : watches.values()) {
                    sample(w);
                }
                Thread.sleep(2); // a sample every few ms; a stretch shorter than that is not worth seeing
            } catch (IOException gone) {
                // a thread or the process ended: keep what was recorded
                if (!Files.exists(Path.of("/proc", String.valueOf(pid)))) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample(Watch w) throws IOException {
        long switches = 0;
        for (String line : Files.readAllLines(w.task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                switches = Long.parseLong(line.substring(24).trim());
            }
        }
        String[] stat = Files.readString(w.task.resolve("schedstat")).trim().split(" ");
        long runNs = Long.parseLong(stat[0]);
        long waitNs = Long.parseLong(stat[1]); // in the run queue: busy, though not on a CPU
        long now = System.nanoTime();
        long wall = System.currentTimeMillis();
        if (w.switches >= 0) {
            boolean idled = switches != w.switches;
            if (!idled && (runNs > w.runNs || waitNs > w.waitNs)) { // busy all through the last interval
                if (w.stretchStart < 0) {
                    w.stretchStart = now;
                    w.stretchWallStart = wall;
                    w.stretchRunStart = w.runNs;
                }
            } else if (w.stretchStart >= 0) {
                record(w, now, runNs);
            }
        }
        w.switches = switches;
        w.runNs = runNs;
        w.waitNs = waitNs;
    }

    private void record(Watch w, long now, long runNs) {
        long cpu = (runNs - w.stretchRunStart) / 1_000_000;
        if (cpu >= 5) {
            synchronized (stretches) {
                stretches.add(new Stretch(w.name, w.stretchWallStart, (now - w.stretchStart) / 1_000_000, cpu));
            }
        }
        w.stretchStart = -1;
    }

    static String describe(List<Stretch> all, int top) {
        List<Stretch> longest = all.stream().sorted(Comparator.comparingLong(Stretch::cpuMillis).reversed()).limit(top).toList();
        return all.size() + " busy stretches of the event loop of 5 ms CPU or more; the longest: " + longest;
    }
}
