package dev.nagare.media.video;

import dev.nagare.media.FfmpegInput;
import java.util.ArrayList;
import java.util.List;

/**
 * A video stream fed by ffmpeg, as {@code --video-ffmpeg} gives it: {@code NAME=INPUT-ARGS[@SPEC]}, e.g.
 * {@code cam=-f v4l2 -i /dev/video0@1280x720/15/q85}, or {@code cam=/dev/video0@1280x720/15/q85} for a
 * V4L2 camera. {@code capture} is the spec ({@link VideoSettings#parse}), null when none was given.
 */
public record VideoInput(String name, List<String> args, VideoSettings capture) {

    public VideoInput {
        args = List.copyOf(args);
    }

    /** @throws IllegalArgumentException with the expected form */
    public static VideoInput parse(String value) {
        String input = value == null ? null : value.strip();
        VideoSettings capture = null;
        int at = input == null ? -1 : input.lastIndexOf('@');
        // A spec is the word after the last '@' of the last argument, if it starts as a spec does and
        // has no ':' or '.': a URL's user@host (rtsp://u:p@10.0.0.5/...) is never taken for one.
        if (at > 0 && input.substring(at + 1).matches("[q\\d][^\\s:.]*")) {
            capture = VideoSettings.parse(input.substring(at + 1));
            input = input.substring(0, at);
        }
        FfmpegInput parsed = FfmpegInput.parse(input);
        List<String> args = parsed.args();
        if (args.size() == 1 && args.get(0).startsWith("/dev/video")) {
            args = List.of("-f", "v4l2", "-i", args.get(0)); // the short form for a V4L2 camera
        }
        return new VideoInput(parsed.name(), args, capture);
    }

    /** The source this input makes, run by the {@code ffmpeg} executable. */
    public FfmpegSource source(String ffmpeg) {
        return new FfmpegSource(name, ffmpeg, inputArgs(), settings());
    }

    /** What the stream is made at: the spec, or {@link VideoSettings#defaults()}. */
    public VideoSettings settings() {
        return capture != null ? capture : VideoSettings.defaults();
    }

    /**
     * The input arguments, with the spec's size and rate asked of a V4L2 device ({@code -video_size},
     * {@code -framerate} before its {@code -i}), so that the camera captures no more than is served;
     * ffmpeg's scale and rate on the output still hold the stream to the spec whatever the device gives.
     * Unchanged without a spec, as before capture specs existed.
     */
    public List<String> inputArgs() {
        if (capture == null) {
            return args;
        }
        List<String> out = new ArrayList<>(args);
        for (int i = 0; i + 1 < out.size(); i++) {
            if (out.get(i).equals("-f") && (out.get(i + 1).equals("v4l2") || out.get(i + 1).equals("video4linux2"))) {
                int input = out.subList(i, out.size()).indexOf("-i");
                if (input < 0) {
                    break;
                }
                out.addAll(i + input, List.of("-video_size", capture.width() + "x" + capture.height(),
                        "-framerate", Integer.toString(capture.fps())));
                break;
            }
        }
        return List.copyOf(out);
    }
}
