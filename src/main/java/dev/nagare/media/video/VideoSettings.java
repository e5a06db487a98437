package dev.nagare.media.video;

/** The guide's CAP_PROP_FRAME_WIDTH/HEIGHT and CAP_PROP_FPS, plus the JPEG quality (0.0 to 1.0). */
public record VideoSettings(int width, int height, int fps, float quality) {

    public static VideoSettings defaults() {
        return new VideoSettings(640, 480, 30, 0.8f);
    }

    public VideoSettings {
        if (width < 16 || width > 7680 || height < 16 || height > 4320) {
            throw new IllegalArgumentException("resolution must be from 16x16 to 7680x4320");
        }
        if (fps < 1 || fps > 120) {
            throw new IllegalArgumentException("fps must be from 1 to 120");
        }
        if (quality <= 0 || quality > 1) {
            throw new IllegalArgumentException("quality must be above 0 and at most 1");
        }
    }
}
