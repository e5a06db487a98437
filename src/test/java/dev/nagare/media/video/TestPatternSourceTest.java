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

    /**
     * Frames go out 30 times a second for as long as anyone watches, so a frame's garbage is paid
     * continuously: it was 1.4 MB per 640x480 frame (the JPEG writer converting BGR rows through
     * fresh arrays, a new writer and font per frame), half of all the garbage of issue 15's memory
     * attacks, and the collector's pauses stop the event loop. Measured on the source's own thread.
     */
    @Test
    void aFrameOfThePatternAllocatesLittle() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        TestPatternSource source = new TestPatternSource(new VideoSettings(640, 480, 30, 0.8f));
        BlockingQueue<Long> allocated = new LinkedBlockingQueue<>();
        source.start(f -> allocated.add(threads.getCurrentThreadAllocatedBytes()));
        java.util.List<Long> perFrame = new java.util.ArrayList<>();
        try {
            Long previous = null;
            for (int i = 0; i < 40; i++) {
                Long now = allocated.poll(5, TimeUnit.SECONDS);
                assertThat(now).isNotNull();
                if (previous != null && i > 10) { // past the first frames, which load fonts and codecs
                    perFrame.add(now - previous);
                }
                previous = now;
            }
        } finally {
            source.stop();
        }
        java.util.Collections.sort(perFrame);
        assertThat(perFrame.get(perFrame.size() / 2)).as("bytes allocated per frame (median)").isLessThan(400_000L);
    }
}
