package dev.nagare.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.web.NettyChannels;
import io.netty.channel.ChannelOption;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The media outputs' Netty access still works on this Vert.x: fails loudly after an upgrade that hides it. */
class StreamSocketsTest {
    @Test
    void aServerRequestExposesItsChannelAndTheLimitsTakeEffect() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Object[]> seen = new CompletableFuture<>();
            HttpServer server = vertx.createHttpServer().requestHandler((HttpServerRequest req) -> {
                StreamSockets.limit(req, 32 * 1024, 16 * 1024);
                var channel = NettyChannels.channel(req.connection());
                seen.complete(new Object[] {channel, channel == null ? null : channel.config().getWriteBufferHighWaterMark(),
                        channel == null ? null : channel.config().getOption(ChannelOption.SO_SNDBUF)});
                req.response().end();
            }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
            vertx.createHttpClient().request(io.vertx.core.http.HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                    .compose(r -> r.send()).await(10, TimeUnit.SECONDS);
            Object[] got = seen.get(10, TimeUnit.SECONDS);
            assertThat(got[0]).as("the connection's Netty channel").isNotNull();
            assertThat(got[1]).isEqualTo(16 * 1024);
            assertThat((Integer) got[2]).as("SO_SNDBUF (the kernel may double it)").isBetween(32 * 1024, 64 * 1024);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
