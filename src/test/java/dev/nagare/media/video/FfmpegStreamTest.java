package dev.nagare.media.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import dev.nagare.testing.Tools;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** --video-ffmpeg adds a stream fed by ffmpeg; here lavfi's testsrc, as in CI. */
class FfmpegStreamTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, "river stone lantern",
            Setting.VIDEO_FFMPEG, "lavfi=-f lavfi -i testsrc=size=640x480:rate=30"));

    @Test
    void theConfiguredFfmpegStreamServesSnapshots() throws Exception {
        Tools.require("ffmpeg", "apt-get install ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
        Account admin = server.nagare().accounts().find("admin").await(10, TimeUnit.SECONDS).orElseThrow();
        String token = server.nagare().tokens().create(admin, "t", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
        HttpResponse<byte[]> res = server.http().send(HttpRequest.newBuilder(server.uri("/video/lavfi/snapshot.jpg"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(res.statusCode()).isEqualTo(200);
        var image = ImageIO.read(new ByteArrayInputStream(res.body()));
        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(480);
    }
}
