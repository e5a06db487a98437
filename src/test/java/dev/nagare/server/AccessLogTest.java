package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccessLogTest {
    @Test
    void controlCharactersCannotForgeAnotherLogLine() {
        // A path carrying CR LF and a fake entry stays on one line.
        assertThat(AccessLog.escape("/a\r\n127.0.0.1 \"GET /admin\" 200"))
                .isEqualTo("/a\\u000d\\u000a127.0.0.1 \\\"GET /admin\\\" 200");
    }

    @Test
    void nonAsciiIsEscapedAndLongValuesAreCut() {
        assertThat(AccessLog.escape("/流れ")).isEqualTo("/\\u6d41\\u308c");
        assertThat(AccessLog.escape("x".repeat(5000))).hasSize(512);
        assertThat(AccessLog.escape(null)).isEqualTo("-");
    }
}
