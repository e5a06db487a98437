package dev.nagare.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Stream entry ids to SSE ids; the bus itself runs against a real redis-server in {@link SseClusterTest}. */
class RedisSseBusTest {
    @Test
    void aStreamIdBecomesMillisecondsTimesAMillionPlusTheSequence() {
        // the first entry of a millisecond
        assertThat(RedisSseBus.id("1733400000000-0")).isEqualTo(1_733_400_000_000_000_000L);
        // the fourth entry of that millisecond
        assertThat(RedisSseBus.id("1733400000000-3")).isEqualTo(1_733_400_000_000_000_003L);
        // ordered as the stream is: a later millisecond is larger than any sequence before it
        assertThat(RedisSseBus.id("1733400000001-0")).isGreaterThan(RedisSseBus.id("1733400000000-999999"));
    }

    @Test
    void idsThatDoNotFitAreRefused() {
        assertThatThrownBy(() -> RedisSseBus.id("1733400000000-1000000")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stream id out of range: 1733400000000-1000000");
        assertThatThrownBy(() -> RedisSseBus.id("9223372036854775-0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stream id out of range: 9223372036854775-0");
        assertThatThrownBy(() -> RedisSseBus.id("17334")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a stream id: 17334");
    }
}
