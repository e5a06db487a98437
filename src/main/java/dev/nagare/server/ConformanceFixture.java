package dev.nagare.server;

import dev.nagare.engine.EngineConfig;
import dev.nagare.engine.EngineServer;
import dev.nagare.socketio.SocketIoConfig;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.wire.EnginePacket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server the official protocol suites expect (socket.io monorepo,
 * docs/engine.io-protocol/v4-test-suite and docs/socket.io-protocol/v5-test-suite): pingInterval
 * 300, pingTimeout 200, maxPayload 1000000, connectTimeout 1000, CORS "*"; a raw Engine.IO echo at
 * /engine.io/ and the Socket.IO fixture handlers at /socket.io/. Run it with
 * {@code scripts/conformance-server [port]}.
 */
public final class ConformanceFixture {
    private ConformanceFixture() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Vertx vertx = Vertx.vertx();
        HttpServer server = start(vertx, "127.0.0.1", port).await(10, TimeUnit.SECONDS);
        System.out.println("Conformance fixture listening on http://localhost:" + server.actualPort());
    }

    /**
     * Starts the fixture on {@code port} (0 for any), its connections spread over one event loop per
     * processor as in the server's default ({@code --event-loops}); the engines' sessions live on one
     * new event-loop context. Completes with the first of the servers.
     */
    public static Future<HttpServer> start(Vertx vertx, String host, int port) {
        return start(vertx, host, port, Runtime.getRuntime().availableProcessors());
    }

    /** As {@link #start(Vertx, String, int)} on {@code loops} event loops. */
    public static Future<HttpServer> start(Vertx vertx, String host, int port, int loops) {
        Context context = vertx.getOrCreateContext();
        Promise<HttpServer> listening = Promise.promise();
        context.runOnContext(v -> {
            EngineConfig base = EngineConfig.defaults().withHeartbeat(300, 200).withMaxPayload(1_000_000)
                    .withAllowedOrigins(List.of("*"));
            EngineServer rawEngine = new EngineServer(context, base.withPath("/engine.io/"));
            rawEngine.onConnection(session -> session.listener(new dev.nagare.engine.SessionListener() {
                @Override
                public void onMessage(dev.nagare.engine.EngineSession s, EnginePacket message) {
                    s.send(message);
                }

                @Override
                public void onClose(dev.nagare.engine.EngineSession s, String reason) {
                }
            }));
            EngineServer ioEngine = new EngineServer(context, base.withPath("/socket.io/"));
            SocketIoServer io = new SocketIoServer(ioEngine, SocketIoConfig.defaults().withConnectTimeout(1000));
            io.of("/").on("connection", socket -> {
                socket.emit("auth", socket.auth());
                socket.on("message", (a, ack) -> socket.emit("message-back", a.toArray()));
                socket.on("message-with-ack", (a, ack) -> ack.send(a.toArray()));
            });
            io.of("/custom").on("connection", socket -> socket.emit("auth", socket.auth()));
            EventLoops.listen(EventLoops.contexts(vertx, context, loops), () -> vertx.createHttpServer(new HttpServerOptions()
                    .setMaxWebSocketFrameSize(1_000_016).setMaxWebSocketMessageSize(1_000_016))
                    .requestHandler(req -> {
                        String path = req.path();
                        if (path.startsWith("/engine.io/")) {
                            rawEngine.handle(req);
                        } else if (path.startsWith("/socket.io/")) {
                            ioEngine.handle(req);
                        } else {
                            req.response().setStatusCode(404).end();
                        }
                    }), port, host).map(servers -> servers.get(0)).onComplete(listening);
        });
        return listening.future();
    }
}
