package dev.nagare.server;

import static dev.nagare.server.ConfigResolver.invalid;

import dev.nagare.media.video.TestPatternSource;
import dev.nagare.media.video.VideoConfig;
import dev.nagare.media.video.VideoInput;
import dev.nagare.media.video.VideoSettings;
import dev.nagare.server.ConfigResolver.Raw;
import java.util.Map;

/**
 * The video sources' settings, resolved for {@link ConfigResolver}: capture specs are read here, so that
 * a bad one stops the start (exit 2) naming its setting, never a module at wiring.
 */
final class MediaSettings {
    private MediaSettings() {
    }

    static VideoConfig video(Map<Setting, Raw> raw) {
        Raw pattern = raw.get(Setting.VIDEO_TEST_PATTERN);
        VideoSettings testPattern;
        try {
            testPattern = TestPatternSource.check(VideoSettings.parse(pattern.value()));
        } catch (IllegalArgumentException e) {
            throw invalid(Setting.VIDEO_TEST_PATTERN, pattern, e.getMessage());
        }
        Raw ffmpeg = raw.get(Setting.VIDEO_FFMPEG);
        try {
            return new VideoConfig(testPattern, ffmpeg == null ? null : VideoInput.parse(ffmpeg.value()));
        } catch (IllegalArgumentException e) {
            throw invalid(Setting.VIDEO_FFMPEG, ffmpeg, e.getMessage());
        }
    }
}
