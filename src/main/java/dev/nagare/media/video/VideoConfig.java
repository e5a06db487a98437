package dev.nagare.media.video;

/**
 * The video module's server-side sources: the test pattern's capture settings ({@code --video-test-pattern})
 * and the ffmpeg-fed stream with its own ({@code --video-ffmpeg}, null for none).
 */
public record VideoConfig(VideoSettings testPattern, VideoInput ffmpeg) {

    public static VideoConfig defaults() {
        return new VideoConfig(VideoSettings.defaults(), null);
    }
}
