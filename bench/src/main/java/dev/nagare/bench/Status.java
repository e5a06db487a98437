package dev.nagare.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.function.Supplier;

/** A daemon thread printing a server fixture's status line when it changes (heap included). */
final class Status {
    private Status() {
    }

    static void every(int seconds, Supplier<String> line) {
        Thread t = new Thread(() -> {
            String last = "";
            while (true) {
                try {
                    Thread.sleep(seconds * 1000L);
                } catch (InterruptedException e) {
                    return;
                }
                String now = line.get();
                if (!now.equals(last)) {
                    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                    System.out.println("BENCH_STATUS " + now + " heapUsedMB=" + heap.getUsed() / (1024 * 1024));
                    last = now;
                }
            }
        }, "bench-status");
        t.setDaemon(true);
        t.start();
    }
}
