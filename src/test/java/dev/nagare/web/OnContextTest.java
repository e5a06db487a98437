package dev.nagare.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.EventLoops;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A port served from several event loops: the handlers after {@link OnContext} run on the home
 * context's loop whichever loop serves the request, the body read before the hop included.
 */
class OnContextTest {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4)); // 3 loops on any machine

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void requestsServedByEveryLoopContinueOnHome() throws Exception {
        Context home = vertx.getOrCreateContext();
        List<Context> loops = EventLoops.contexts(vertx, home, 3);
        Set<String> servedBy = ConcurrentHashMap.newKeySet();
        Set<String> handledOn = ConcurrentHashMap.newKeySet();
        Router router = Router.router(vertx);
        router.post("/echo").handler(BodyHandler.create()).handler(ctx -> {
            servedBy.add(Thread.currentThread().getName());
            ctx.next();
        }).handler(OnContext.of(home)).handler(ctx -> {
            handledOn.add(Thread.currentThread().getName());
            ctx.response().end(ctx.body().asString());
        });
        int port = EventLoops.listen(loops, () -> vertx.createHttpServer().requestHandler(router), 0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS).get(0).actualPort();
        // No keep-alive: a connection per request, handed to the three loops in turn.
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)
                .setDefaultHost("127.0.0.1").setDefaultPort(port));
        Set<String> answers = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            String body = "request " + i;
            answers.add(http.request(HttpMethod.POST, "/echo").compose(r -> r.send(body)).compose(r -> r.body())
                    .await(5, TimeUnit.SECONDS).toString());
        }
        assertThat(answers).hasSize(6);
        assertThat(servedBy).as("loops that read the requests").hasSize(3);
        assertThat(handledOn).as("the thread the handlers after OnContext ran on").containsExactly(homeLoopThread(home));
    }

    private static String homeLoopThread(Context home) throws Exception {
        Promise<String> name = Promise.promise();
        home.runOnContext(v -> name.complete(Thread.currentThread().getName()));
        return name.future().await(5, TimeUnit.SECONDS);
    }
}
