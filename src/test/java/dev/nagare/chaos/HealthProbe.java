package dev.nagare.chaos;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * GET /health/live every 100 ms over one kept-alive connection from 127.0.0.1 (an address no attack
 * uses, so per-address limits do not touch it), on its own platform thread, recording each latency.
 * A failed probe (error, non-200, no answer within 5 s) counts as failed and the connection is reopened.
 */
final class HealthProbe implements Runnable {
    static final long BOUND_MILLIS = 100;
    private static final byte[] REQUEST = "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private final int port;
    private final List<Long> micros = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> ownWaitMicros = Collections.synchronizedList(new ArrayList<>()); // this thread's run-queue wait during the probe
    private final List<Long> sentAt = Collections.synchronizedList(new ArrayList<>()); // wall clock, ms: to match a slow probe with a GC log or JFR
    private volatile boolean running = true;
    private volatile long failed;
    private Thread thread;

    HealthProbe(int port) {
        this.port = port;
    }

    HealthProbe start() {
        thread = new Thread(this, "chaos-health-probe");
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
        return this;
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join();
    }

    @Override
    public void run() {
        Socket socket = null;
        long next = System.nanoTime();
        while (running) {
            try {
                if (socket == null) {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(5000);
                    socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                }
                long wall = System.currentTimeMillis();
                long waited0 = ownWaitNanos();
                long t0 = System.nanoTime();
                probe(socket);
                long t1 = System.nanoTime();
                synchronized (micros) {
                    micros.add((t1 - t0) / 1000);
                    sentAt.add(wall);
                    ownWaitMicros.add((ownWaitNanos() - waited0) / 1000);
                }
            } catch (IOException e) {
                failed++;
                close(socket);
                socket = null;
            }
            next += TimeUnit.MILLISECONDS.toNanos(100);
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait); // the probe's own pace: one every 100 ms
                } catch (InterruptedException e) {
                    break;
                }
            } else {
                next = System.nanoTime();
            }
        }
        close(socket);
    }

    /**
     * Nanoseconds this thread has waited in the run queue (Linux), or 0: a probe is only as good as
     * its own thread's access to a CPU, which it shares with the attack.
     */
    private static long ownWaitNanos() {
        try {
            return Long.parseLong(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/schedstat"))
                    .trim().split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static void probe(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(REQUEST);
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream(), 1024);
        String status = line(in);
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("health: " + status);
        }
        long length = -1;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Long.parseLong(h.substring(15).trim());
            }
        }
        if (length < 0) {
            throw new IOException("health answer without Content-Length");
        }
        for (long i = 0; i < length; i++) {
            if (in.read() < 0) {
                throw new IOException("health answer cut short");
            }
        }
        if (in.available() > 0) {
            throw new IOException("unexpected bytes after the health answer");
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private static void close(Socket s) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // closing a broken probe connection
        }
    }

    long probes() {
        return micros.size() + failed;
    }

    long failed() {
        return failed;
    }

    /** Probes answered in more than the bound. */
    long slow() {
        synchronized (micros) {
            return micros.stream().filter(m -> m > BOUND_MILLIS * 1000).count();
        }
    }

    double maxMillis() {
        synchronized (micros) {
            return micros.stream().mapToLong(Long::longValue).max().orElse(0) / 1000.0;
        }
    }

    double percentileMillis(double p) {
        List<Long> sorted;
        synchronized (micros) {
            sorted = new ArrayList<>(micros);
        }
        if (sorted.isEmpty()) {
            return 0;
        }
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p / 100 * sorted.size()) - 1)) / 1000.0;
    }

    String describe() {
        List<Long> all;
        List<Long> at;
        List<Long> own;
        synchronized (micros) {
            all = new ArrayList<>(micros);
            at = new ArrayList<>(sentAt);
            own = new ArrayList<>(ownWaitMicros);
        }
        StringBuilder late = new StringBuilder();
        java.time.format.DateTimeFormatter clock = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
                .withZone(java.time.ZoneOffset.UTC);
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i) > BOUND_MILLIS * 1000L) {
                late.append(late.length() == 0 ? "; over the bound at probe " : ", ").append(i + 1)
                        .append(String.format(" (%.0f ms, sent %s UTC, the probe's thread waited %.0f ms for a CPU)",
                                all.get(i) / 1000.0, clock.format(java.time.Instant.ofEpochMilli(at.get(i))), own.get(i) / 1000.0));
            }
        }
        return String.format("%,d health probes: %d failed, %d over %d ms; p50 %.1f ms, p99 %.1f ms, max %.1f ms%s",
                probes(), failed(), slow(), BOUND_MILLIS, percentileMillis(50), percentileMillis(99), maxMillis(), late);
    }
}
