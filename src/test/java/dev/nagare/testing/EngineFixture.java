package dev.nagare.testing;

import dev.nagare.engine.EngineConfig;
import dev.nagare.engine.EngineServer;
import dev.nagare.server.EventLoops;
import dev.nagare.socketio.SocketIoConfig;
import dev.nagare.socketio.SocketIoServer;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketClient;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A bare engine and Socket.IO server (no Nagare around it) on port 0, for protocol-level tests that
 * need engine settings of their own, and a WebSocket client for them. Close it after the test.
 */
public final class EngineFixture implements AutoCloseable {
    private final Vertx vertx;
    private final SocketIoServer io;
    private final int port;
    private final WebSocketClient webSockets; // held: Vert.x closes a client's connections once it is garbage

    private EngineFixture(Vertx vertx, SocketIoServer io, int port) {
        this.vertx = vertx;
        this.io = io;
        this.port = port;
        this.webSockets = vertx.createWebSocketClient();
    }

    /** Starts the engine with {@code config}; {@code setup} adds namespaces and handlers on its event loop. */
    public static EngineFixture start(EngineConfig config, Consumer<SocketIoServer> setup) throws Exception {
        return start(config, 1, setup);
    }

    /**
     * As {@link #start(EngineConfig, Consumer)}, the port listened from {@code loops} event loops
     * (connections spread over them, sessions on the first: the server's {@code --event-loops}).
     */
    public static EngineFixture start(EngineConfig config, int loops, Consumer<SocketIoServer> setup) throws Exception {
        // As many loops as asked for, whatever the machine's processor count.
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(
                Math.max(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, loops + 1)));
        Context context = vertx.getOrCreateContext();
        Promise<HttpServer> listening = Promise.promise();
        SocketIoServer[] io = new SocketIoServer[1];
        context.runOnContext(v -> {
            EngineServer engine = new EngineServer(context, config);
            io[0] = new SocketIoServer(engine, SocketIoConfig.defaults());
            setup.accept(io[0]);
            EventLoops.listen(EventLoops.contexts(vertx, context, loops),
                    () -> vertx.createHttpServer().requestHandler(engine::handle), 0, "127.0.0.1")
                    .map(servers -> servers.get(0)).onComplete(listening);
        });
        int port = listening.future().await(10, TimeUnit.SECONDS).actualPort();
        return new EngineFixture(vertx, io[0], port);
    }

    public Vertx vertx() {
        return vertx;
    }

    public SocketIoServer io() {
        return io;
    }

    public int port() {
        return port;
    }

    public WebSocketClient webSockets() {
        return webSockets;
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
