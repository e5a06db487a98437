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
 * Idle connections: opens {@code --connections} Socket.IO sessions (WebSocket, namespace /bench) as
 * fast as the server accepts them (64 in flight), answers their heartbeats, and reports the connect
 * rate and the server's resident memory per connection: (RSS with them − RSS before) / connections,
 * measured after 5 s of quiet (and a full GC for JVM servers).
 */
public final class IdleScenario {
    private final String server;
    private final int port;
    private final int connections;
    private final int sources;
    private final long serverPid;
    private final boolean jvm;
    private final Path out;

    private IdleScenario(Opts o) {
        server = o.required("server");
        port = o.integer("port", 0);
        connections = o.integer("connections", 10_000);
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
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        List<WebSocketClient> clients = new ArrayList<>();
        for (int k = 0; k < sources; k++) {
            clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress("127.0.0." + (10 + k))
                    .setMaxConnections(connections + 8).setConnectTimeout(20_000)));
        }
        long before = rssAfterQuiet();
        Semaphore window = new Semaphore(64);
        List<Future<Void>> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            window.acquire();
            Future<Void> f = open(vertx.getOrCreateContext(), clients.get(i % sources));
            f.onComplete(ar -> window.release());
            all.add(f);
        }
        window.acquire(64);
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        long failed = all.stream().filter(Future::failed).count();
        long after = rssAfterQuiet();
        long opened = connections - failed;
        JsonObject result = new JsonObject().put("scenario", "idle").put("server", server).put("date", Instant.now().toString())
                .put("connections", connections).put("failed", failed)
                .put("connectsPerSecond", Math.round(opened / connectSeconds))
                .put("rssBeforeMb", before / (1 << 20)).put("rssAfterMb", after / (1 << 20))
                .put("rssPerConnectionKb", opened == 0 ? -1 : Math.round((after - before) / 1024.0 / opened * 10) / 10.0);
        System.out.println("BENCH_RESULT " + result.encode());
        System.out.printf(Locale.ROOT, "%s: %d connections (%d failed) in %.1f s, RSS %d -> %d MB%n", server, connections,
                failed, connectSeconds, before >> 20, after >> 20);
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
