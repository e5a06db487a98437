package dev.nagare.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Idle connections: opens Socket.IO sessions (WebSocket, namespace /bench) up to each count in
 * {@code --connections} (e.g. 10000,50000) as fast as the server accepts them (64 in flight),
 * answers their heartbeats, and reports at each count the connect rate and the server's resident
 * memory per connection: (RSS with them − RSS before) / connections, measured after 5 s of quiet
 * (and a full GC for JVM servers). A count that needs more open files than {@code --max-open-files}
 * (the smaller of the server's and this process's limit) is measured at the most that limit allows
 * instead, and the result says which count was wanted and under which limit it ran.
 */
public final class IdleScenario {
    private final String server;
    private final int port;
    /**
     * Files a process holds besides its connections (JVM jars, listening socket, pipes...), with room to
     * spare; at least a tenth of the limit, which Nagare keeps for them by default (--max-tcp-connections).
     */
    private static final int FILES_HELD_BESIDES = 500;

    private final List<Integer> connections;
    private final int maxOpenFiles;
    private final int sources;
    private final long serverPid;
    private final boolean jvm;
    private final Path out;

    private IdleScenario(Opts o) {
        server = o.required("server");
        port = o.integer("port", 0);
        connections = o.ascending("connections", "10000,50000").stream().map(Double::intValue).toList();
        maxOpenFiles = o.integer("max-open-files", 0);
        sources = Math.max(1, Math.min(250, o.integer("source-addresses", 8)));
        serverPid = o.lng("server-pid", -1);
        jvm = o.bool("jvm", false);
        out = o.has("out") ? Path.of(o.str("out", "")) : null;
    }

    public static void main(String[] args) throws Exception {
        System.exit(new IdleScenario(Opts.parse(args, 0)).run());
    }

    private long rssAfterQuiet() throws InterruptedException {
        Thread.sleep(5000);
        if (jvm) {
            ProcStats.fullGc(serverPid);
            Thread.sleep(1000);
        }
        return ProcStats.rssBytes(serverPid);
    }

    private int run() throws Exception {
        int most = connections.get(connections.size() - 1);
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        List<WebSocketClient> clients = new ArrayList<>();
        for (int k = 0; k < sources; k++) {
            clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress("127.0.0." + (10 + k))
                    .setMaxConnections(most + 8).setConnectTimeout(20_000)));
        }
        long before = rssAfterQuiet();
        Semaphore window = new Semaphore(64);
        long failed = 0;
        int opened = 0;
        double connectSeconds = 0;
        JsonArray steps = new JsonArray();
        for (int wanted : connections) {
            // A count past the open-file limit is measured at the most the limit allows, and says so.
            int target = wanted;
            int headroom = Math.max(FILES_HELD_BESIDES, maxOpenFiles / 10);
            if (maxOpenFiles > 0 && wanted + headroom > maxOpenFiles) {
                target = maxOpenFiles - headroom;
                if (target <= opened) {
                    System.out.printf(Locale.ROOT, "%s: %,d not tried: the open-file limit (%,d) allows no more than %,d%n",
                            server, wanted, maxOpenFiles, opened);
                    continue;
                }
            }
            List<Future<Void>> all = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = opened; i < target; i++) {
                window.acquire();
                Future<Void> f = open(vertx.getOrCreateContext(), clients.get(i % sources));
                f.onComplete(ar -> window.release());
                all.add(f);
            }
            window.acquire(64);
            window.release(64);
            connectSeconds += (System.nanoTime() - t0) / 1e9;
            failed += all.stream().filter(Future::failed).count();
            opened = target;
            long after = rssAfterQuiet();
            long live = opened - failed;
            JsonObject st = new JsonObject().put("connections", target).put("failed", failed)
                    .put("wanted", wanted).put("openFilesLimit", maxOpenFiles)
                    .put("connectsPerSecond", Math.round(live / connectSeconds))
                    .put("rssBeforeMb", before / (1 << 20)).put("rssAfterMb", after / (1 << 20))
                    .put("rssPerConnectionKb", live == 0 ? -1 : Math.round((after - before) / 1024.0 / live * 10) / 10.0);
            steps.add(st);
            System.out.printf(Locale.ROOT, "%s: %d connections (%d failed) in %.1f s, RSS %d -> %d MB%n", server, target,
                    failed, connectSeconds, before >> 20, after >> 20);
        }
        JsonObject result = new JsonObject().put("scenario", "idle").put("server", server).put("date", Instant.now().toString())
                .put("steps", steps);
        System.out.println("BENCH_RESULT " + result.encode());
        if (out != null) {
            Files.writeString(out, result.encodePrettily());
        }
        vertx.close().await(30, TimeUnit.SECONDS);
        return 0;
    }

    /** One Socket.IO session that only answers heartbeats. */
    private Future<Void> open(Context ctx, WebSocketClient client) {
        Promise<Void> ready = Promise.promise();
        ctx.runOnContext(v -> {
            ClientWebSocket ws = client.webSocket();
            ws.textMessageHandler(s -> {
                if (s.equals("2")) {
                    ws.writeTextMessage("3");
                } else if (s.startsWith("0")) {
                    ws.writeTextMessage("40/bench,{\"role\":\"publisher\"}");
                } else if (s.startsWith("40/bench")) {
                    ready.tryComplete();
                }
            });
            ws.closeHandler(x -> ready.tryFail("closed"));
            ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                    .setURI("/socket.io/?EIO=4&transport=websocket").setAllowOriginHeader(false).setTimeout(20_000))
                    .onFailure(ready::tryFail);
            ctx.owner().setTimer(30_000, t -> ready.tryFail("no namespace CONNECT in 30 s"));
        });
        return ready.future();
    }
}
