package dev.nagare.chaos;

import dev.nagare.testing.NodeScript;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The checks of the chaos suite, each against a running jar, each producing one report row. */
final class ChaosScenarios {
    /** How big a run is: {@link #full()} for scripts/chaos, {@link #ci()} for mvn verify. */
    record Sizes(String name, int fuzzPackets, int cycles, int recoveryClients, int chatClients, int memorySeconds) {
        static Sizes ci() {
            return new Sizes("ci", 20_000, 2_000, 200, 10, 10);
        }

        static Sizes full() {
            return new Sizes("full", 1_000_000, 100_000, 1_000, 20, 60);
        }
    }

    /**
     * Flags of the server the fuzz, cycle, kill and recovery checks run against: every client comes
     * from this one machine, so the per-address limits that would refuse them are lifted (the
     * memory check runs with the defaults).
     */
    static final List<String> LOAD_FLAGS = List.of("--connect-rate", "1000000", "--max-connections-per-address", "0",
            "--chat-rate", "100000");
    private static final int PACKETS_PER_SESSION = 41;

    private final Vertx vertx = Vertx.vertx();
    private final WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1000));
    private final Sizes sizes;

    ChaosScenarios(Sizes sizes) {
        this.sizes = sizes;
    }

    void close() {
        vertx.close();
    }

    /** Fuzzed packets over WebSocket and polling while a witness keeps asking for acks. */
    ChaosReport.Row fuzz(JarServer server, String token) throws Exception {
        int errorsBefore = server.errorLines().size();
        Witness witness = new Witness(server, token);
        Thread watching = new Thread(witness, "chaos-witness");
        watching.start();
        AtomicLong sent = new AtomicLong();
        AtomicLong sessions = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> work = new java.util.ArrayList<>();
        for (int t = 0; t < 8; t++) {
            long seed = 7919L * (t + 1);
            work.add(pool.submit(() -> {
                Fuzz fuzz = new Fuzz(seed);
                HttpClient http = HttpClient.newHttpClient();
                for (long n = sessions.incrementAndGet(); sent.get() < sizes.fuzzPackets(); n = sessions.incrementAndGet()) {
                    String ns = Fuzz.NAMESPACES.get((int) (n % Fuzz.NAMESPACES.size()));
                    sent.addAndGet(n % 10 == 0 ? pollingSession(http, server, ns, token, fuzz) : webSocketSession(server, ns, token, fuzz));
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(30, TimeUnit.MINUTES);
        }
        pool.shutdown();
        witness.stop();
        watching.join();
        long health = server.healthMillis();
        long errors = server.errorLines().size() - errorsBefore;
        boolean held = server.alive() && errors == 0 && witness.missed() == 0 && health >= 0;
        return new ChaosReport.Row("Fuzzed Engine.IO/Socket.IO packets", String.format("%,d packets in %,d sessions"
                + " (WebSocket, 1 in 10 polling)", sent.get(), sessions.get()), held, witness.missed(),
                String.format("0 crashes: %s; ERROR lines: %d; witness acks %,d of %,d", server.alive() ? "yes" : "NO",
                        errors, witness.acked(), witness.asked()));
    }

    private long webSocketSession(JarServer server, String ns, String token, Fuzz fuzz) throws Exception {
        RawSocketIo c = RawSocketIo.join(ws, server.port(), ns, token);
        if (c == null) {
            return 0;
        }
        for (int i = 0; i < PACKETS_PER_SESSION - 1; i++) {
            c.send(fuzz.event(ns));
        }
        c.send(fuzz.hostile(ns));
        c.close();
        c.closed.get(10, TimeUnit.SECONDS);
        return PACKETS_PER_SESSION;
    }

    private long pollingSession(HttpClient http, JarServer server, String ns, String token, Fuzz fuzz) throws Exception {
        String base = server.url() + "/socket.io/?EIO=4&transport=polling";
        HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create(base)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (open.statusCode() != 200) {
            return 0;
        }
        String sid = new JsonObject(open.body().substring(1)).getString("sid");
        String session = base + "&sid=" + sid;
        StringBuilder payload = new StringBuilder("40" + (ns.equals("/") ? "" : ns + ",") + "{\"token\":\"" + token + "\"}");
        for (int i = 0; i < PACKETS_PER_SESSION - 1; i++) {
            payload.append('\u001e').append(fuzz.event(ns));
        }
        payload.append('\u001e').append(fuzz.hostile(ns));
        http.send(HttpRequest.newBuilder(URI.create(session)).POST(HttpRequest.BodyPublishers.ofString(payload.toString()))
                .build(), HttpResponse.BodyHandlers.discarding());
        http.send(HttpRequest.newBuilder(URI.create(session)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding());
        return PACKETS_PER_SESSION;
    }

    /** Connect and close, many times: heap, descriptors and threads return to their baseline. */
    ChaosReport.Row cycles(JarServer server, String token) throws Exception {
        runCycles(server, token, Math.min(1000, sizes.cycles() / 10));
        long heap0 = server.liveHeapBytes();
        long fds0 = server.openFiles();
        long threads0 = server.threads();
        runCycles(server, token, sizes.cycles());
        long heap1 = 0;
        long fds1 = 0;
        long threads1 = 0;
        // Closing connections settle within a moment; read until back at the baseline or 10 s pass.
        for (int i = 0; i < 20; i++) {
            heap1 = server.liveHeapBytes();
            fds1 = server.openFiles();
            threads1 = server.threads();
            if (fds1 <= fds0 + 10 && heap1 <= heap0 + (16 << 20) && threads1 <= threads0 + 4) {
                break;
            }
            Thread.sleep(500); // waiting for the server to notice the last closes
        }
        boolean held = fds1 <= fds0 + 10 && heap1 <= heap0 + (16 << 20) && threads1 <= threads0 + 4;
        return new ChaosReport.Row("Connect/close cycles", String.format("%,d Socket.IO connections (WebSocket, /chat with a"
                + " token) opened and closed", sizes.cycles()), held, 0, String.format("live heap %.1f → %.1f MB,"
                + " open files %d → %d, threads %d → %d", heap0 / 1e6, heap1 / 1e6, fds0, fds1, threads0, threads1));
    }

    private void runCycles(JarServer server, String token, int count) throws Exception {
        AtomicLong left = new AtomicLong(count);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> work = new java.util.ArrayList<>();
        for (int t = 0; t < 16; t++) {
            work.add(pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    RawSocketIo c = RawSocketIo.join(ws, server.port(), "/chat", token);
                    if (c != null) {
                        c.send("41/chat,");
                        c.close();
                        c.closed.get(10, TimeUnit.SECONDS);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(60, TimeUnit.MINUTES);
        }
        pool.shutdown();
    }

    /** kill -9 during a chat load with acks; after a restart on the same data dir every acked message is there. */
    ChaosReport.Row killDuringChat(JarServer server, String token) throws Exception {
        Thread killer = new Thread(() -> {
            try {
                Thread.sleep(4000); // the load runs for 8 s; the kill lands in the middle of it
                server.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();
        JsonObject load = NodeScript.run("chaos.mjs", "chatload", server.url(), token,
                String.valueOf(sizes.chatClients()), "8");
        killer.join();
        server.start();
        String fresh = server.adminToken();
        JsonArray acked = load.getJsonArray("acked");
        JsonObject history = NodeScript.run("chaos.mjs", "history", server.url(), fresh, "chaos-");
        Set<Object> stored = new HashSet<>(history.getJsonArray("ids").getList());
        long lost = acked.stream().filter(id -> !stored.contains(id)).count();
        return new ChaosReport.Row("kill -9 during a chat load, restart", String.format("%d clients posting with acks;"
                + " killed after 4 s, restarted on the same data dir", sizes.chatClients()), lost == 0, lost,
                String.format("%,d sent, %,d acked, %,d of them stored after the restart", load.getInteger("sent"),
                        acked.size(), acked.size() - lost));
    }

    /** Many clients lose their transport at once and recover: nothing missed, nothing twice, in order. */
    ChaosReport.Row recovery(JarServer server, String token) throws Exception {
        JsonObject r = NodeScript.run(Duration.ofMinutes(5), "chaos.mjs", "recovery", server.url(), token,
                String.valueOf(sizes.recoveryClients()), "150");
        long lost = r.getLong("gaps") + r.getLong("duplicates") + r.getLong("disorder");
        boolean held = lost == 0 && r.getInteger("connected") == sizes.recoveryClients()
                && r.getInteger("complete") == sizes.recoveryClients();
        return new ChaosReport.Row("Reconnect all at once with state recovery", String.format("%,d official clients in"
                + " #general drop their transport together mid-stream", sizes.recoveryClients()), held, lost,
                String.format("%d connected, %d recovered, %d with all %d messages; gaps %d, duplicates %d, out of order %d",
                        r.getInteger("connected"), r.getInteger("recovered"), r.getInteger("complete"),
                        r.getInteger("messages"), r.getLong("gaps"), r.getLong("duplicates"), r.getLong("disorder")));
    }

    /** A client on /chat asking for one message of history every 100 ms; every request must be acked. */
    private final class Witness implements Runnable {
        private final JarServer server;
        private final String token;
        private volatile boolean running = true;
        private long asked;
        private long acked;

        Witness(JarServer server, String token) {
            this.server = server;
            this.token = token;
        }

        @Override
        public void run() {
            try (RawSocketIo c = RawSocketIo.join(ws, server.port(), "/chat", token)) {
                for (int id = 1; running; id++) {
                    asked++;
                    c.send("42/chat," + id + "[\"history\",{\"room\":\"general\",\"limit\":1}]");
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    String reply;
                    do {
                        reply = c.frames.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } while (reply != null && !reply.startsWith("43/chat," + id + "["));
                    if (reply != null) {
                        acked++;
                    }
                    Thread.sleep(100); // the witness's own pace: one request every 100 ms
                }
            } catch (Exception e) {
                running = false;
            }
        }

        void stop() {
            running = false;
        }

        long asked() {
            return asked;
        }

        long acked() {
            return acked;
        }

        long missed() {
            return asked - acked;
        }
    }
}
