package dev.nagare.server;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One port served from several event loops ({@code --event-loops}, issue 21): the same HTTP server
 * is listened once from a context on each of {@code n} distinct loops, and Vert.x, which shares one
 * bound port between the servers listened on it, hands each new connection to the next of them in
 * turn. The first context is the caller's home (the engine's); the connections of the others are
 * served on their own loops, and what they bring to the engine hops onto home (see
 * {@code EngineServer}).
 */
public final class EventLoops {
    private EventLoops() {
    }

    /**
     * {@code home} and {@code n - 1} contexts on other event loops of {@code vertx}, as many as it
     * has (Vert.x sizes its pool to twice the processors unless told otherwise).
     */
    public static List<Context> contexts(Vertx vertx, Context home, int n) {
        VertxInternal internal = (VertxInternal) vertx;
        EventLoop homeLoop = ((ContextInternal) home).nettyEventLoop();
        List<Context> out = new ArrayList<>();
        out.add(home);
        for (EventExecutor e : internal.nettyEventLoopGroup()) {
            if (out.size() >= n) {
                break;
            }
            if (e != homeLoop && e instanceof EventLoop loop) {
                out.add(internal.contextBuilder().withThreadingModel(ThreadingModel.EVENT_LOOP).withEventLoop(loop).build());
            }
        }
        return out;
    }

    /**
     * Listens a server made by {@code create} from each of {@code contexts} on {@code host}:{@code port}
     * (0 picks a free one); the first binds and the others join it. Completes with the servers, the
     * first one's first.
     */
    public static Future<List<HttpServer>> listen(List<Context> contexts, Supplier<HttpServer> create, int port,
            String host) {
        // Vert.x shares a bound port between servers listened on the same positive port, or on the
        // same negative one, which stands for a free port they all share; port 0 is never shared.
        int shared = port == 0 ? -1 : port;
        return listenOn(contexts.get(0), create, contexts.size() == 1 ? port : shared, host).compose(first -> {
            List<Future<HttpServer>> others = new ArrayList<>();
            for (Context c : contexts.subList(1, contexts.size())) {
                others.add(listenOn(c, create, shared, host));
            }
            return Future.all(others).map(all -> {
                List<HttpServer> servers = new ArrayList<>();
                servers.add(first);
                for (Future<HttpServer> f : others) {
                    servers.add(f.result());
                }
                return servers;
            });
        });
    }

    private static Future<HttpServer> listenOn(Context context, Supplier<HttpServer> create, int port, String host) {
        Promise<HttpServer> listening = Promise.promise();
        context.runOnContext(v -> create.get().listen(port, host).onComplete(listening));
        return listening.future();
    }
}
