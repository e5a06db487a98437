package dev.nagare.media.audio;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.TargetDataLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A microphone (or any capture device) through {@code javax.sound.sampled}: the guide's PyAudio
 * {@code input_device_index}, RATE and CHANNELS. Devices are chosen by the index that
 * {@code nagare audio devices} prints, or by part of their name. Reads 20 ms chunks on its own
 * thread while someone listens.
 */
public final class JavaSoundSource implements AudioSource {
    private static final Logger LOG = LoggerFactory.getLogger(JavaSoundSource.class);

    private final Mixer.Info device;
    private final PcmFormat format;
    private volatile TargetDataLine line;
    private volatile Thread reader;

    private JavaSoundSource(Mixer.Info device, PcmFormat format) {
        this.device = device;
        this.format = format;
    }

    /** Mixers that can capture 16-bit PCM, in the order {@code nagare audio devices} numbers them. */
    public static List<Mixer.Info> captureDevices() {
        List<Mixer.Info> out = new ArrayList<>();
        for (Mixer.Info info : AudioSystem.getMixerInfo()) {
            Mixer mixer = AudioSystem.getMixer(info);
            if (mixer.isLineSupported(new DataLine.Info(TargetDataLine.class, null))) {
                out.add(info);
            }
        }
        return out;
    }

    /** The device list for people: one line per device, or why there is none. */
    public static String describeDevices() {
        List<Mixer.Info> devices = captureDevices();
        if (devices.isEmpty()) {
            return "No capture devices: Java Sound sees no microphone on this machine (on Linux it uses ALSA;"
                    + " check 'arecord -l'). Use --audio-ffmpeg for PulseAudio, PipeWire or network sources.\n";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < devices.size(); i++) {
            Mixer.Info d = devices.get(i);
            b.append(String.format(Locale.ROOT, "%d: %s (%s, %s)%n", i, d.getName(), d.getDescription(), d.getVendor()));
        }
        b.append("Use one with --audio-mic NAME=INDEX or NAME=PART-OF-ITS-NAME, e.g. --audio-mic mic=0@16000/1\n");
        return b.toString();
    }

    /** The source for {@code device} (an index or part of a name); a plain message when there is no such device. */
    public static JavaSoundSource open(String device, PcmFormat format) {
        List<Mixer.Info> devices = captureDevices();
        Mixer.Info chosen = null;
        if (device.matches("\\d{1,3}")) {
            int i = Integer.parseInt(device);
            chosen = i < devices.size() ? devices.get(i) : null;
        } else {
            for (Mixer.Info d : devices) {
                if (d.getName().toLowerCase(Locale.ROOT).contains(device.toLowerCase(Locale.ROOT))) {
                    chosen = d;
                    break;
                }
            }
        }
        if (chosen == null) {
            throw new IllegalArgumentException("No capture device '" + device + "'. " + describeDevices().trim());
        }
        return new JavaSoundSource(chosen, format);
    }

    @Override
    public synchronized void start(Consumer<byte[]> sink) {
        if (reader != null) {
            return;
        }
        AudioFormat f = new AudioFormat(format.sampleRate(), 16, format.channels(), true, false);
        int chunk = format.bytesPerSecond() / 50;
        try {
            TargetDataLine l = (TargetDataLine) AudioSystem.getMixer(device).getLine(new DataLine.Info(TargetDataLine.class, f));
            l.open(f, chunk * 4);
            l.start();
            line = l;
        } catch (LineUnavailableException | IllegalArgumentException e) {
            LOG.error("Cannot capture from {} as {} Hz, {} channel(s): {}", device.getName(), format.sampleRate(),
                    format.channels(), e.getMessage());
            return;
        }
        Thread t = new Thread(() -> {
            byte[] buf = new byte[chunk];
            while (line != null && !Thread.currentThread().isInterrupted()) {
                int n = line.read(buf, 0, buf.length);
                if (n > 0) {
                    sink.accept(java.util.Arrays.copyOf(buf, n));
                }
            }
        }, "nagare-mic");
        t.setDaemon(true);
        reader = t;
        t.start();
        LOG.info("Capturing from {} ({} Hz, {} channel(s))", device.getName(), format.sampleRate(), format.channels());
    }

    @Override
    public synchronized void stop() {
        TargetDataLine l = line;
        line = null;
        if (l != null) {
            l.stop();
            l.close();
        }
        if (reader != null) {
            reader.interrupt();
            reader = null;
        }
    }

    @Override
    public PcmFormat format() {
        return format;
    }
}
