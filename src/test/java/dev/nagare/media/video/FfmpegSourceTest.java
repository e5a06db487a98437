package dev.nagare.media.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.Tools;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** A real ffmpeg process with lavfi's testsrc as input, as CI runs it. */
class FfmpegSourceTest {
    @Test
    void lavfiTestsrcBecomesAStreamOfJpegFramesAtTheConfiguredSize() throws Exception {
        Path ffmpeg = Tools.require("ffmpeg", "apt-get install ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
        FfmpegSource source = new FfmpegSource("lavfi", ffmpeg.toString(),
                List.of("-f", "lavfi", "-i", "testsrc=size=320x240:rate=30"), new VideoSettings(320, 240, 30, 0.8f));
        BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        source.start(frames::add);
        try {
            for (int i = 0; i < 30; i++) {
                Frame f = frames.poll(10, TimeUnit.SECONDS);
                assertThat(f).as("frame %d", i).isNotNull();
                assertThat(f.sequence()).isEqualTo(i);
                if (i % 10 == 0) {
                    var image = ImageIO.read(new ByteArrayInputStream(f.jpeg()));
                    assertThat(image.getWidth()).isEqualTo(320);
                    assertThat(image.getHeight()).isEqualTo(240);
                }
            }
        } finally {
            source.stop();
        }
    }

    @Test
    void aFailingInputYieldsNoSignalFramesInsteadOfSilence() throws Exception {
        Path ffmpeg = Tools.require("ffmpeg", "apt-get install ffmpeg", "/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg");
        FfmpegSource source = new FfmpegSource("broken", ffmpeg.toString(),
                List.of("-f", "lavfi", "-i", "no_such_filter_at_all"), new VideoSettings(320, 240, 30, 0.8f));
        BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        source.start(frames::add);
        try {
            Frame f = frames.poll(10, TimeUnit.SECONDS);
            assertThat(f).isNotNull();
            var image = ImageIO.read(new ByteArrayInputStream(f.jpeg()));
            assertThat(image.getWidth()).isEqualTo(320); // the "no signal" card, at the stream's size
        } finally {
            source.stop();
        }
    }

    @Test
    void jpegFramesAreCutAtTheirMarkers() throws Exception {
        byte[] stream = {0x00, (byte) 0xFF, (byte) 0xD8, 1, (byte) 0xFF, 0x00, 2, (byte) 0xFF, (byte) 0xD9,
            (byte) 0xFF, (byte) 0xD8, 3, (byte) 0xFF, (byte) 0xD9};
        var in = new ByteArrayInputStream(stream);
        // the first frame keeps its stuffed FF 00 and ends at FF D9
        assertThat(FfmpegSource.nextJpeg(in)).containsExactly(0xFF, 0xD8, 1, 0xFF, 0x00, 2, 0xFF, 0xD9);
        assertThat(FfmpegSource.nextJpeg(in)).containsExactly(0xFF, 0xD8, 3, 0xFF, 0xD9);
        assertThat(FfmpegSource.nextJpeg(in)).isNull();
    }

    @Test
    void theCommandFollowsTheCaptureSpecAndAsksAV4l2CameraForItsSizeAndRate() {
        // A camera: the device is asked for the size and rate, ffmpeg still holds the output to them.
        assertThat(VideoInput.parse("cam=/dev/video0@1280x720/15/q85").source("ffmpeg").command()).containsExactly(
                "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
                "-f", "v4l2", "-video_size", "1280x720", "-framerate", "15", "-i", "/dev/video0",
                "-an", "-vf", "scale=1280:720", "-r", "15", "-f", "mjpeg", "-q:v", "6", "pipe:1");
        // A file: scaled and paced by ffmpeg; q50 is -q:v 17.
        assertThat(VideoInput.parse("clip=-re -i movie.mp4@320x240/10/q50").source("ffmpeg").command()).containsExactly(
                "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-i", "movie.mp4",
                "-an", "-vf", "scale=320:240", "-r", "10", "-f", "mjpeg", "-q:v", "17", "pipe:1");
        // No spec: the command as it was before specs, 640x480 at 30 fps and -q:v 8 (quality 0.8).
        assertThat(VideoInput.parse("cam=-f v4l2 -i /dev/video0").source("ffmpeg").command()).containsExactly(
                "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "v4l2", "-i", "/dev/video0",
                "-an", "-vf", "scale=640:480", "-r", "30", "-f", "mjpeg", "-q:v", "8", "pipe:1");
    }
}
