package dev.nagare.media.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nagare.server.Cli;
import dev.nagare.server.ConfigException;
import dev.nagare.server.ConfigResolver;
import dev.nagare.server.Nagare;
import dev.nagare.server.Setting;
import dev.nagare.server.StartupException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java Sound microphone source as an operator meets it: the device list, and plain refusals. (CI
 * machines have no sound card, so capturing itself is not exercised here; see the README.)
 */
class MicrophoneTest {

    @Test
    void audioDevicesListsTheCaptureDevicesOrSaysThereAreNone() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = new Cli(Map.of(), new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true)).run("audio", "devices");
        assertThat(code).as(err.toString()).isZero();
        String text = out.toString();
        if (JavaSoundSource.captureDevices().isEmpty()) {
            assertThat(text).startsWith("No capture devices: Java Sound sees no microphone on this machine");
        } else {
            assertThat(text).startsWith("0: ").contains("--audio-mic NAME=INDEX");
        }
    }

    @Test
    void anUnknownDeviceStopsTheStartWithTheList(@TempDir Path dir) {
        var config = ConfigResolver.resolve(Map.of(Setting.APPS, "audio", Setting.AUDIO_MIC, "mic=no-such-device-here", Setting.PORT, "0",
                Setting.DATA_DIR, dir.toString()), Map.of());
        assertThatThrownBy(() -> Nagare.create(config).start()).isInstanceOf(StartupException.class)
                .hasMessageStartingWith("--audio-mic: No capture device 'no-such-device-here'.");
    }

    @Test
    void aMalformedMicrophoneSettingIsRefused() {
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.AUDIO_MIC, "mic=0@12345"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("expected NAME=DEVICE[@RATE[/CHANNELS]]");
    }
}
