package dev.nagare.media.video;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The guide's CAP_PROP_FRAME_WIDTH/HEIGHT and CAP_PROP_FPS, plus the JPEG quality (0.0 to 1.0). */
public record VideoSettings(int width, int height, int fps, float quality) {
    /** What a capture spec ({@link #parse}) may ask for: sizes, rates and qualities a server source can keep up. */
    public static final int MAX_WIDTH = 3840;
    public static final int MAX_HEIGHT = 2160;
    public static final int MIN_SIZE = 16;
    public static final int MAX_FPS = 60;
    public static final int MIN_QUALITY = 10;
    /** The expected form, for error messages and help. */
    public static final String FORM = "WIDTHxHEIGHT/FPS/qQUALITY, e.g. 1280x720/15/q85 (each part optional,"
            + " in this order: 1280x720, 15, q85, 1280x720/q85)";
    /** The parts of a spec, in their order: a size, a rate, a quality. */
    private static final Pattern[] PARTS = {Pattern.compile("(\\d{1,5})x(\\d{1,5})"), Pattern.compile("(\\d{1,3})"),
        Pattern.compile("q(\\d{1,3})")};

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

    /**
     * A capture spec, {@code WIDTHxHEIGHT/FPS/qQUALITY} (uStreamer's {@code --resolution}, {@code --desired-fps}
     * and {@code --quality} in one word); a part left out keeps {@link #defaults()}'s.
     *
     * @throws IllegalArgumentException saying the expected form or the bound that was passed
     */
    public static VideoSettings parse(String spec) {
        VideoSettings d = defaults();
        int[] values = {d.width(), d.height(), d.fps(), d.percent()};
        int next = 0; // the first part the next word may be
        for (String word : spec == null || spec.isEmpty() ? new String[] {""} : spec.split("/", -1)) {
            while (next < PARTS.length && !PARTS[next].matcher(word).matches()) {
                next++;
            }
            if (next == PARTS.length) {
                throw new IllegalArgumentException("expected " + FORM + ", not '" + spec + "'");
            }
            Matcher m = PARTS[next].matcher(word);
            m.matches();
            if (next == 0) {
                values[0] = Integer.parseInt(m.group(1));
                values[1] = Integer.parseInt(m.group(2));
            } else {
                values[next + 1] = Integer.parseInt(m.group(1));
            }
            next++;
        }
        int width = values[0];
        int height = values[1];
        int fps = values[2];
        int quality = values[3];
        if (width < MIN_SIZE || height < MIN_SIZE || width > MAX_WIDTH || height > MAX_HEIGHT) {
            throw new IllegalArgumentException("the size must be from " + MIN_SIZE + "x" + MIN_SIZE + " to "
                    + MAX_WIDTH + "x" + MAX_HEIGHT + ", not " + width + "x" + height);
        }
        if (fps < 1 || fps > MAX_FPS) {
            throw new IllegalArgumentException("the rate must be from 1 to " + MAX_FPS + " fps, not " + fps);
        }
        if (quality < MIN_QUALITY || quality > 100) {
            throw new IllegalArgumentException("the JPEG quality must be from q" + MIN_QUALITY + " to q100, not q" + quality);
        }
        return new VideoSettings(width, height, fps, quality / 100f);
    }

    /** The JPEG quality as a percentage, as a capture spec writes it. */
    public int percent() {
        return Math.round(quality * 100);
    }

    /** These settings as a capture spec, e.g. {@code 640x480/30/q80}. */
    public String spec() {
        return width + "x" + height + "/" + fps + "/q" + percent();
    }
}
