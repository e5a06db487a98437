package dev.nagare.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EngineServerTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "ascii", "é", "流れ", "😀", "a😀bé流"})
    void maxPayloadCountsUtf8BytesLikeTheEncoder(String s) {
        assertThat(EngineServer.utf8Length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
}
