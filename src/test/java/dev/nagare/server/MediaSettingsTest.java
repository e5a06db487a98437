package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nagare.media.video.VideoInput;
import dev.nagare.media.video.VideoSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Capture specs of the video sources are read with the other settings, and a bad one stops the start. */
class MediaSettingsTest {

    private static ServerConfig resolve(Setting s, String value) {
        return ConfigResolver.resolve(Map.of(s, value), Map.of());
    }

    @Test
    void withoutASpecTheSourcesKeep640x480At30FpsAndQuality80() {
        ServerConfig c = ConfigResolver.resolve(Map.of(), Map.of());
        assertThat(c.video().testPattern()).isEqualTo(new VideoSettings(640, 480, 30, 0.8f));
        assertThat(c.video().ffmpeg()).isNull();
        VideoInput cam = resolve(Setting.VIDEO_FFMPEG, "cam=-f v4l2 -i /dev/video0").video().ffmpeg();
        assertThat(cam.settings()).isEqualTo(VideoSettings.defaults());
        assertThat(cam.inputArgs()).containsExactly("-f", "v4l2", "-i", "/dev/video0"); // as before specs
    }

    @Test
    void aSpecAfterTheInputSetsSizeRateAndQualityAndIsAskedOfAV4l2Camera() {
        VideoInput cam = resolve(Setting.VIDEO_FFMPEG, "cam0=/dev/video0@1280x720/15/q85").video().ffmpeg();
        assertThat(cam.name()).isEqualTo("cam0");
        assertThat(cam.settings()).isEqualTo(new VideoSettings(1280, 720, 15, 0.85f));
        assertThat(cam.inputArgs()).containsExactly("-f", "v4l2", "-video_size", "1280x720", "-framerate", "15",
                "-i", "/dev/video0");
        VideoInput clip = resolve(Setting.VIDEO_FFMPEG, "clip=-re -i movie.mp4@320x240/10/q50").video().ffmpeg();
        assertThat(clip.inputArgs()).containsExactly("-re", "-i", "movie.mp4"); // a file: ffmpeg scales and paces it
        assertThat(clip.settings()).isEqualTo(new VideoSettings(320, 240, 10, 0.5f));
        // Parts may be left out; they keep the defaults.
        assertThat(VideoSettings.parse("q60")).isEqualTo(new VideoSettings(640, 480, 30, 0.6f));
        assertThat(VideoSettings.parse("1920x1080/q90")).isEqualTo(new VideoSettings(1920, 1080, 30, 0.9f));
        assertThat(VideoSettings.parse("5")).isEqualTo(new VideoSettings(640, 480, 5, 0.8f));
    }

    @Test
    void aUrlWithAUserIsNotTakenForASpec() {
        VideoInput ip = resolve(Setting.VIDEO_FFMPEG, "ip=-rtsp_transport tcp -i rtsp://u:p@10.0.0.5:554/s").video().ffmpeg();
        assertThat(ip.capture()).isNull();
        assertThat(ip.args()).containsExactly("-rtsp_transport", "tcp", "-i", "rtsp://u:p@10.0.0.5:554/s");
        VideoInput withSpec = resolve(Setting.VIDEO_FFMPEG, "ip=-i rtsp://u:p@10.0.0.5/s@800x600").video().ffmpeg();
        assertThat(withSpec.args()).containsExactly("-i", "rtsp://u:p@10.0.0.5/s");
        assertThat(withSpec.settings().width()).isEqualTo(800);
    }

    @Test
    void theTestPatternTakesASpecToo() {
        assertThat(resolve(Setting.VIDEO_TEST_PATTERN, "1280x720/15/q85").video().testPattern())
                .isEqualTo(new VideoSettings(1280, 720, 15, 0.85f));
        assertThat(ConfigResolver.resolve(Map.of(), Map.of("NAGARE_VIDEO_TEST_PATTERN", "800x600")).video().testPattern())
                .isEqualTo(new VideoSettings(800, 600, 30, 0.8f));
    }

    @Test
    void aBadSpecNamesTheSettingAndTheBoundItPassed() {
        assertThatThrownBy(() -> resolve(Setting.VIDEO_FFMPEG, "cam=/dev/video0@4096x2160"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 'cam=/dev/video0@4096x2160' for video-ffmpeg (from --video-ffmpeg): the size"
                        + " must be from 16x16 to 3840x2160, not 4096x2160.");
        assertThatThrownBy(() -> resolve(Setting.VIDEO_FFMPEG, "cam=/dev/video0@640x480/61"))
                .hasMessageEndingWith("the rate must be from 1 to 60 fps, not 61.");
        assertThatThrownBy(() -> resolve(Setting.VIDEO_FFMPEG, "cam=/dev/video0@640x480/0"))
                .hasMessageEndingWith("the rate must be from 1 to 60 fps, not 0.");
        assertThatThrownBy(() -> resolve(Setting.VIDEO_FFMPEG, "cam=/dev/video0@q5"))
                .hasMessageEndingWith("the JPEG quality must be from q10 to q100, not q5.");
        assertThatThrownBy(() -> resolve(Setting.VIDEO_FFMPEG, "cam=/dev/video0@1280x720/15/85"))
                .hasMessageContaining("for video-ffmpeg").hasMessageContaining("expected WIDTHxHEIGHT/FPS/qQUALITY");
        assertThatThrownBy(() -> resolve(Setting.VIDEO_FFMPEG, "cam=/dev/video0@q85/15"))
                .hasMessageContaining("expected WIDTHxHEIGHT/FPS/qQUALITY"); // out of order
        assertThatThrownBy(() -> resolve(Setting.VIDEO_TEST_PATTERN, "320x240"))
                .hasMessage("Invalid value '320x240' for video-test-pattern (from --video-test-pattern): the test"
                        + " pattern needs at least 592x96, not 320x240.");
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(), Map.of("NAGARE_VIDEO_TEST_PATTERN", "fast")))
                .hasMessageContaining("for video-test-pattern (from environment variable NAGARE_VIDEO_TEST_PATTERN)");
    }

    @Test
    void aBadSpecOnTheCommandLineExitsWith2() {
        StringWriter err = new StringWriter();
        int code = new Cli(Map.of(), new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                .run(List.of("--video-test-pattern", "640x480/120").toArray(String[]::new));
        assertThat(code).isEqualTo(Cli.EXIT_USAGE).isEqualTo(2);
        assertThat(err.toString()).contains("for video-test-pattern (from --video-test-pattern): the rate must be"
                + " from 1 to 60 fps, not 120.");
    }
}
