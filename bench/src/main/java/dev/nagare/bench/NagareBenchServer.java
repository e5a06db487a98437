package dev.nagare.bench;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import dev.nagare.server.ConfigResolver;
import dev.nagare.server.Nagare;
import dev.nagare.server.ServerConfig;
import dev.nagare.server.Setting;
import dev.nagare.socketio.Namespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Nagare side of the benchmarks: a full Nagare server (the same {@link Nagare} class as the
 * product, default settings except those below: no connection cap, no per-client message rate or
 * per-address connect rate limit) with the benchmark namespace {@code /bench}:
 * every socket joins room "bench" unless its CONNECT auth says {@code {"role":"publisher"}}; a
 * "publish" event is broadcast as "tick" to the room. With {@code --cluster redis://HOST:PORT} it joins
 * a cluster over Redis, as {@code nagare --cluster} does. Prints {@code BENCH_PORT=<port>} when ready.
 */
public final class NagareBenchServer {
    private NagareBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        Opts o = Opts.parse(args, 0);
        String port = o.str("port", "0");
        Path dataDir = o.has("data-dir") ? Path.of(o.str("data-dir", "")) : Files.createTempDirectory("nagare-bench-");
        Files.createDirectories(dataDir);
        Map<Setting, String> settings = new java.util.EnumMap<>(Map.of(
                Setting.HOST, "127.0.0.1",
                Setting.PORT, port,
                Setting.DATA_DIR, dataDir.toString(),
                Setting.MAX_CONNECTIONS, "200000",
                // The abuse limits would throttle the benchmark itself (one publisher sending hundreds of
                // messages/s, a thousand clients from a few loopback addresses); Node.js has none.
                Setting.MAX_MESSAGE_RATE, "1000000",
                Setting.CONNECT_RATE, "1000000",
                // Thousands of viewers and idle sessions from eight loopback addresses, on one token.
                Setting.MAX_CONNECTIONS_PER_ADDRESS, "0",
                Setting.MAX_STREAMS_PER_USER, "0",
                Setting.SHUTDOWN_TIMEOUT, "2"));
        if (o.has("event-loops")) { // scripts/bench's BENCH_SERVER_EVENT_LOOPS
            settings.put(Setting.EVENT_LOOPS, o.str("event-loops", "0"));
        }
        if (o.has("cluster")) { // the cluster scenario: one node of several sharing a Redis
            settings.put(Setting.CLUSTER, o.str("cluster", ""));
        }
        ServerConfig cfg = ConfigResolver.resolve(settings,
                // Other settings (e.g. NAGARE_WRITE_WINDOW) from the environment, as for a user.
                System.getenv());
        Nagare n = Nagare.create(cfg.withAllAppsUnlessNamed()).start(); // every module, as the command line runs it
        if (o.has("token-file")) {
            Account admin = n.accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
            Files.writeString(Path.of(o.str("token-file", "")),
                    n.tokens().create(admin, "bench", Set.of(), Duration.ofHours(12)).await(10, TimeUnit.SECONDS).secret());
        }
        if (o.has("chat-tokens")) {
            writeChatTokens(n, o.integer("chat-users", 1000), Path.of(o.str("chat-tokens", "")));
        }

        AtomicInteger connected = new AtomicInteger();
        LongAdder publishes = new LongAdder();
        Map<String, LongAdder> disconnects = new ConcurrentHashMap<>();
        Namespace ns = n.io().of("/bench");
        ns.on("connection", s -> {
            connected.incrementAndGet();
            if (!"publisher".equals(s.auth().get("role"))) {
                s.join("bench");
            }
            s.on("rpc", (a, ack) -> ack.send(a.isEmpty() ? null : a.get(0))); // the ack RPC scenario
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

    /**
     * Makes {@code count} chat users (bench-00001...) and one token each, written one per line to
     * {@code file}. The accounts get no usable password (hashing a thousand would take minutes and is
     * not what is measured): they can only use their tokens.
     */
    static void writeChatTokens(Nagare n, int count, Path file) throws Exception {
        long now = System.currentTimeMillis();
        List<Long> ids = n.store().transact(c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users(username, password_hash, role, created_at)"
                    + " VALUES (?, '!', 'user', ?)", Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 1; i <= count; i++) {
                    ps.setString(1, String.format("bench-%05d", i));
                    ps.setLong(2, now);
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        keys.next();
                        out.add(keys.getLong(1));
                    }
                }
            }
            return out;
        }).await(60, TimeUnit.SECONDS);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            Account a = new Account(ids.get(i), String.format("bench-%05d", i + 1), Role.USER, now);
            lines.append(n.tokens().create(a, "bench", Set.of(), Duration.ofHours(12)).await(10, TimeUnit.SECONDS).secret())
                    .append('\n');
        }
        Files.writeString(file, lines);
        System.out.println("BENCH_CHAT_USERS=" + ids.size());
    }

    static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
