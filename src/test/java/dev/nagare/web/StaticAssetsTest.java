package dev.nagare.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StaticAssetsTest {
    @ParameterizedTest
    @ValueSource(strings = {"app.js", "nagare.css", "vendor/socket.io/4.8.1/socket.io.esm.min.js", "favicon.svg"})
    void plainFileNamesWithAKnownTypeAreServable(String path) {
        assertThat(StaticAssets.safe(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "../x.js", "a/../b.js", ".hidden.css", "a//b.js", "x.class", "README",
            "a\\b.js", "x.js\u0000", "dir/"})
    void traversalHiddenFilesAndUnknownTypesAreNot(String path) {
        assertThat(StaticAssets.safe(path)).isFalse();
    }

    @Test
    void gzipIsUsedOnlyWhenAcceptedWithANonZeroQuality() {
        assertThat(StaticAssets.acceptsGzip("gzip, deflate, br")).isTrue();
        assertThat(StaticAssets.acceptsGzip("br;q=1.0, gzip;q=0.5")).isTrue();
        assertThat(StaticAssets.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(StaticAssets.acceptsGzip("identity")).isFalse();
        assertThat(StaticAssets.acceptsGzip(null)).isFalse();
    }
}
