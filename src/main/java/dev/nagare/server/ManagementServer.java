package dev.nagare.server;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port ({@code --management-port}): {@code /health/live}, {@code /health/ready} and
 * {@code /metrics} on an event loop other than the engine's and the main port's. Every real-time
 * session lives on the engine's loop, so a flood there (thousands of connections at once, each refused
 * or closed) delays whatever else that loop answers, health checks included, and an orchestrator
 * would restart a server that is only busy. Here a probe waits for nothing the main port does: only
 * the CPU, for which a loop that sleeps most of the time is served quickly. Nothing else is routed
 * on this port (404), and it binds to loopback unless told otherwise.
 */
final class ManagementServer {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    private ManagementServer() {
    }

    /**
     * Listens on {@code management} with the routes {@code mount} adds, on an event loop that
     * serves none of the main port's connections ({@code busyLoops}, the engine's first) when Vert.x
     * has one, else on one other than the engine's (when the machine gives Vert.x more than one).
     */
    static Future<HttpServer> start(Vertx vertx, List<EventLoop> busyLoops, ServerConfig.Management management,
            Consumer<Router> mount) {
        VertxInternal internal = (VertxInternal) vertx;
        EventLoop engineLoop = busyLoops.get(0);
        EventLoop loop = engineLoop;
        for (EventExecutor e : internal.nettyEventLoopGroup()) {
            if (e instanceof EventLoop other && !busyLoops.contains(other)) {
                loop = other;
                break;
            }
            if (loop == engineLoop && e != engineLoop && e instanceof EventLoop other) {
                loop = other; // a fallback: some main-port connections, but not the engine
            }
        }
        ContextInternal context = internal.contextBuilder().withThreadingModel(ThreadingModel.EVENT_LOOP)
                .withEventLoop(loop).build();
        Promise<HttpServer> listening = Promise.promise();
        context.runOnContext(v -> {
            Router router = Router.router(vertx);
            mount.accept(router);
            // Small requests only: a probe or a scrape.
            vertx.createHttpServer(new HttpServerOptions().setMaxInitialLineLength(1024).setMaxHeaderSize(8192)
                            .setIdleTimeout(60))
                    .requestHandler(router)
                    .listen(management.port(), management.host())
                    .onSuccess(server -> LOG.info("Management port {} on {}: /health/live, /health/ready, /metrics{}",
                            server.actualPort(), management.host(), management.loopback() ? " (no token on loopback)" : ""))
                    .onComplete(listening);
        });
        return listening.future();
    }
}
