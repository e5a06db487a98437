package dev.nagare.apps.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nagare.server.ConfigException;
import dev.nagare.server.ConfigResolver;
import dev.nagare.server.ServerConfig;
import dev.nagare.server.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feeds as configured: a YAML list in the config file, JSON on the command line, clear errors. */
class FeedSpecTest {

    @Test
    void withNoFeedsConfiguredTheSimulatedMarketAndSensorsRun() {
        assertThat(ServerConfig.defaults().feeds()).extracting(FeedSpec::name).containsExactly("market", "sensors");
    }

    @Test
    void aYamlListInTheConfigFileDefinesTheFeeds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("nagare.yaml");
        Files.writeString(file, """
                port: 9000
                feeds:
                  - name: weather
                    type: http
                    url: https://api.example.org/v1/forecast?lat=35.7&lon=139.7
                    interval: 60
                    fields:
                      temp: /current/temperature_2m
                      wind: /current/wind_speed_10m
                  - name: lab
                    type: push
                    persist: true
                """);
        ServerConfig c = ConfigResolver.resolve(Map.of(Setting.CONFIG, file.toString()), Map.of());
        assertThat(c.feeds()).extracting(FeedSpec::name).containsExactly("weather", "lab");
        FeedSpec weather = c.feeds().get(0);
        assertThat(weather.type()).isEqualTo(FeedSpec.Type.HTTP);
        assertThat(weather.intervalSeconds()).isEqualTo(60);
        assertThat(weather.fields()).containsEntry("wind", "/current/wind_speed_10m");
        assertThat(c.feeds().get(1).persist()).isTrue();
    }

    @Test
    void badFeedsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.FEEDS, "[{\"name\":\"Bad Name\"}]"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid feeds (from --feeds): feed name 'Bad Name': 1 to 32 characters, a-z 0-9 _ -.");
        assertThatThrownBy(() -> FeedSpec.parseList("[{\"name\":\"w\",\"type\":\"http\",\"url\":\"file:///etc/passwd\","
                + "\"fields\":{\"x\":\"/a\"}}]")).hasMessage("feed 'w': url must be an http:// or https:// URL");
        assertThatThrownBy(() -> FeedSpec.parseList("[{\"name\":\"w\",\"type\":\"http\",\"url\":\"http://x\","
                + "\"fields\":{\"x\":\"no-slash\"}}]")).hasMessage("feed 'w': 'no-slash' is not a JSON Pointer");
        assertThatThrownBy(() -> FeedSpec.parseList("[{\"name\":\"m\",\"type\":\"market\",\"rate\":1000}]"))
                .hasMessage("feed 'm': rate must be a number from 0.01 to 100.0");
        assertThatThrownBy(() -> FeedSpec.parseList("[{\"name\":\"a\"},{\"name\":\"a\"}]"))
                .hasMessage("two feeds are named 'a'");
        assertThatThrownBy(() -> FeedSpec.parseList("{\"name\":\"a\"}")).hasMessageStartingWith("feeds must be a JSON/YAML list");
    }
}
