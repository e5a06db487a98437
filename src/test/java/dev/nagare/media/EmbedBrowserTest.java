package dev.nagare.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.nagare.auth.Account;
import dev.nagare.auth.Principal;
import dev.nagare.auth.StreamTokens;
import dev.nagare.server.Setting;
import dev.nagare.testing.Browser;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.Tools;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.JavascriptExecutor;

/**
 * A page of another origin shows a tokened MJPEG stream and a public stream's snapshot in plain
 * {@code <img>} elements (their responses allow it), while the server's other responses stay
 * same-origin: the control image, one of Nagare's own assets, is blocked by Chromium.
 */
class EmbedBrowserTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.VIDEO_PUBLIC, "lobby", Setting.VIDEO_FFMPEG, "lobby=-f lavfi -i testsrc=size=320x240:rate=10"));

    @RegisterExtension
    static final Browser browser = new Browser();

    @Test
    void anotherSitesImgShowsPublicAndTokenedStreamsOnly() throws Exception {
        Tools.require("ffmpeg", "apt-get install ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        String token = new StreamTokens(server.nagare().store()).start().await(10, TimeUnit.SECONDS)
                .mint(new Principal(admin.id(), "admin", admin.role(), Set.of(), null, null), "video/default", Duration.ofMinutes(5))
                .await(10, TimeUnit.SECONDS).token();
        String base = server.baseUrl();
        String page = "<!doctype html><title>Home</title>"
                + "<img id=tokened src='" + base + "/video/default?token=" + token + "'>"
                + "<img id=public src='" + base + "/video/lobby/snapshot.jpg'>"
                + "<img id=control src='" + base + "/assets/favicon.svg'>";
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", ex -> {
            byte[] b = page.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        other.start();
        try {
            browser.driver().get("http://127.0.0.1:" + other.getAddress().getPort() + "/");
            JavascriptExecutor js = (JavascriptExecutor) browser.driver();
            browser.waitUpTo(Duration.ofSeconds(15)).until(d -> width(js, "tokened") > 0 && width(js, "public") > 0
                    && Boolean.TRUE.equals(js.executeScript("return document.getElementById('control').complete")));
            assertThat(width(js, "tokened")).isEqualTo(640);
            assertThat(width(js, "public")).isEqualTo(640);
            assertThat(width(js, "control")).isZero(); // Cross-Origin-Resource-Policy: same-origin, as before
        } finally {
            other.stop(0);
        }
    }

    private static long width(JavascriptExecutor js, String id) {
        return ((Number) js.executeScript("return document.getElementById(arguments[0]).naturalWidth", id)).longValue();
    }
}
