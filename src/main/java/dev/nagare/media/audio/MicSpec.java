package dev.nagare.media.audio;

/**
 * An audio stream from a capture device, as {@code --audio-mic} gives it:
 * {@code NAME=DEVICE[@RATE[/CHANNELS]]}, DEVICE an index from {@code nagare audio devices} or part of
 * its name (default 48000 Hz, mono).
 */
public record MicSpec(String name, String device, PcmFormat format) {

    /** @throws IllegalArgumentException with the expected form */
    public static MicSpec parse(String spec) {
        if (spec == null || !spec.matches(
                "[a-z0-9][a-z0-9_-]{0,31}=[^@]{1,100}(@(8000|11025|16000|22050|24000|32000|44100|48000)(/[12])?)?")) {
            throw new IllegalArgumentException("expected NAME=DEVICE[@RATE[/CHANNELS]], e.g. mic=0@16000/1 (rates 8000 to"
                    + " 48000, 1 or 2 channels)");
        }
        String[] nameAndDevice = spec.split("=", 2);
        String device = nameAndDevice[1];
        int rate = 48_000;
        int channels = 1;
        int at = device.indexOf('@');
        if (at >= 0) {
            String[] f = device.substring(at + 1).split("/");
            rate = Integer.parseInt(f[0]);
            channels = f.length > 1 ? Integer.parseInt(f[1]) : 1;
            device = device.substring(0, at);
        }
        return new MicSpec(nameAndDevice[0], device, new PcmFormat(rate, channels));
    }
}
