package dev.nagare.bench;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The JVM's ceiling for the broadcast scenario: a bare Vert.x WebSocket server, no Engine.IO or
 * Socket.IO. Receivers connect to {@code /raw}; the publisher connects to {@code /raw?role=publisher}
 * and every text message it sends is written unchanged to every receiver. Like Nagare, all
 * connections live on one event loop, and like Nagare it queues without bound per socket. Prints
 * {@code BENCH_PORT=<port>} when ready.
 */
public final class RawVertxServer {
    private RawVertxServer() {
    }

    public static void main(String[] args) throws Exception {
        Opts o = Opts.parse(args, 0);
        int port = o.integer("port", 0);
        Vertx vertx = Vertx.vertx();
        Context home = vertx.getOrCreateContext();
        List<ServerWebSocket> receivers = new ArrayList<>(); // event-loop only
        AtomicInteger count = new AtomicInteger();
        LongAdder publishes = new LongAdder();
        Promise<HttpServer> listening = Promise.promise();
        home.runOnContext(v -> {
            HttpServer http = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)
                    .setMaxWebSocketFrameSize(1 << 20).setMaxWebSocketMessageSize(1 << 20));
            http.webSocketHandler(ws -> {
                if (!ws.path().startsWith("/raw")) {
                    ws.close((short) 1008, "unknown path");
                    return;
                }
                String query = ws.query();
                if (query != null && query.contains("role=publisher")) {
                    ws.textMessageHandler(msg -> {
                        publishes.increment();
                        for (int i = 0, n = receivers.size(); i < n; i++) {
                            receivers.get(i).writeTextMessage(msg);
                        }
                    });
                } else {
                    receivers.add(ws);
                    count.incrementAndGet();
                    ws.closeHandler(x -> {
                        receivers.remove(ws);
                        count.decrementAndGet();
                    });
                }
            });
            http.requestHandler(req -> req.response().setStatusCode(404).end());
            http.listen(port, "127.0.0.1").onComplete(listening);
        });
        HttpServer server = listening.future().await(30, TimeUnit.SECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("BENCH_FINAL receivers=" + count.get() + " publishes=" + publishes.sum());
            try {
                vertx.close().await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // exiting anyway
            }
        }, "bench-shutdown"));
        Status.every(5, () -> "receivers=" + count.get() + " publishes=" + publishes.sum());
        System.out.println("BENCH_PORT=" + server.actualPort());
    }
}
