package dev.nagare.bench;

import dev.nagare.server.ConfigResolver;
import dev.nagare.server.Nagare;
import dev.nagare.server.ServerConfig;
import dev.nagare.server.Setting;
import dev.nagare.socketio.Namespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Nagare side of the benchmarks: a full Nagare server (the same {@link Nagare} class as the
 * product, default settings except those below: no connection cap, no per-client message rate or
 * per-address connect rate limit) with the benchmark namespace {@code /bench}:
 * every socket joins room "bench" unless its CONNECT auth says {@code {"role":"publisher"}}; a
 * "publish" event is broadcast as "tick" to the room. Prints {@code BENCH_PORT=<port>} when ready.
 */
public final class NagareBenchServer {
    private NagareBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        Opts o = Opts.parse(args, 0);
        String port = o.str("port", "0");
        Path dataDir = o.has("data-dir") ? Path.of(o.str("data-dir", "")) : Files.createTempDirectory("nagare-bench-");
        Files.createDirectories(dataDir);
        ServerConfig cfg = ConfigResolver.resolve(Map.of(
                Setting.HOST, "127.0.0.1",
                Setting.PORT, port,
                Setting.DATA_DIR, dataDir.toString(),
                Setting.MAX_CONNECTIONS, "200000",
                // The abuse limits would throttle the benchmark itself (one publisher sending hundreds of
                // messages/s, a thousand clients from a few loopback addresses); Node.js has none.
                Setting.MAX_MESSAGE_RATE, "1000000",
                Setting.CONNECT_RATE, "1000000",
                Setting.SHUTDOWN_TIMEOUT, "2"),
                // Other settings (e.g. NAGARE_WRITE_WINDOW) from the environment, as for a user.
                System.getenv());
        Nagare n = Nagare.create(cfg).start();

        AtomicInteger connected = new AtomicInteger();
        LongAdder publishes = new LongAdder();
        Map<String, LongAdder> disconnects = new ConcurrentHashMap<>();
        Namespace ns = n.io().of("/bench");
        ns.on("connection", s -> {
            connected.incrementAndGet();
            if (!"publisher".equals(s.auth().get("role"))) {
                s.join("bench");
            }
            s.on("publish", (a, ack) -> {
                publishes.increment();
                ns.to("bench").emit("tick", a.get(0));
            });
            s.onDisconnect(reason -> {
                connected.decrementAndGet();
                disconnects.computeIfAbsent(reason, k -> new LongAdder()).increment();
            });
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("BENCH_FINAL connected=" + connected.get() + " publishes=" + publishes.sum()
                    + " disconnects=" + snapshot(disconnects));
            n.stop();
        }, "bench-shutdown"));
        Status.every(5, () -> "connected=" + connected.get() + " publishes=" + publishes.sum()
                + " disconnects=" + snapshot(disconnects));
        System.out.println("BENCH_PORT=" + n.port());
    }

    static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
