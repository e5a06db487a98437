package dev.nagare.media.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TestPatternSourceTest {
    @Test
    void framesCarryTheirCaptureTimeAndNumberInBlocksThatSurviveJpeg() throws Exception {
        TestPatternSource source = new TestPatternSource(new VideoSettings(640, 480, 30, 0.5f));
        BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        source.start(frames::add);
        try {
            for (int i = 0; i < 3; i++) {
                Frame f = frames.poll(5, TimeUnit.SECONDS);
                assertThat(f).isNotNull();
                var image = ImageIO.read(new ByteArrayInputStream(f.jpeg()));
                assertThat(image.getWidth()).isEqualTo(640);
                assertThat(image.getHeight()).isEqualTo(480);
                long[] decoded = TestPatternSource.decode(image);
                assertThat(decoded[0]).isEqualTo(f.captureMillis());
                assertThat(decoded[1]).isEqualTo(f.sequence());
                assertThat(f.sequence()).isEqualTo(i);
            }
        } finally {
            source.stop();
        }
    }
}
