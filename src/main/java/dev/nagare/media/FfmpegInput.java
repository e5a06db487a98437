package dev.nagare.media;

import java.util.List;

/**
 * A stream fed by ffmpeg, as {@code --video-ffmpeg} and {@code --audio-ffmpeg} give it:
 * {@code NAME=INPUT-ARGS}, e.g. {@code cam=-f v4l2 -i /dev/video0}. The arguments are split on
 * whitespace and passed to ffmpeg as they are (no shell).
 */
public record FfmpegInput(String name, List<String> args) {

    /** @throws IllegalArgumentException with the expected form */
    public static FfmpegInput parse(String spec) {
        if (spec == null || !spec.matches("[a-z0-9][a-z0-9_-]{0,31}=\\S.*")) {
            throw new IllegalArgumentException("expected NAME=INPUT-ARGS, e.g. cam=-f v4l2 -i /dev/video0"
                    + " (name: lower-case letters, digits, '-', '_')");
        }
        String[] nameAndInput = spec.split("=", 2);
        return new FfmpegInput(nameAndInput[0], List.of(nameAndInput[1].trim().split("\\s+")));
    }
}
