package dev.nagare.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SseCodecTest {

    @Test
    void aPlainEventIsDataAndABlankLine() {
        // The guide's /stream: "data: 0\n\n".
        assertThat(SseCodec.event(null, null, "0")).isEqualTo("data: 0\n\n");
    }

    @Test
    void eventIdAndDataComeInThatOrder() {
        assertThat(SseCodec.event("tick", "42", "{\"p\":1}")).isEqualTo("event: tick\nid: 42\ndata: {\"p\":1}\n\n");
    }

    @Test
    void everyKindOfLineBreakStartsANewDataLineSoNoEventCanBeInjected() {
        // LF, CR LF and a lone CR each split; the would-be "event:" line stays inside data.
        assertThat(SseCodec.event(null, null, "a\nb\r\nc\rd\n\nevent: evil"))
                .isEqualTo("data: a\ndata: b\ndata: c\ndata: d\ndata: \ndata: event: evil\n\n");
    }

    @Test
    void emptyDataIsOneEmptyDataLine() {
        assertThat(SseCodec.event("ping", null, "")).isEqualTo("event: ping\ndata: \n\n");
    }

    @Test
    void trailingLineBreakGivesATrailingEmptyDataLine() {
        assertThat(SseCodec.event(null, null, "x\n")).isEqualTo("data: x\ndata: \n\n");
    }

    @Test
    void commentsAndRetryHints() {
        assertThat(SseCodec.comment("heartbeat")).isEqualTo(": heartbeat\n\n");
        assertThat(SseCodec.comment("two\nlines")).isEqualTo(": two lines\n\n");
        assertThat(SseCodec.retry(3000)).isEqualTo("retry: 3000\n\n");
    }

    @Test
    void multiLineEventNamesAndIdsAreRefused() {
        assertThatThrownBy(() -> SseCodec.event("a\nb", null, "x")).hasMessage("SSE event must be one line without NUL");
        assertThatThrownBy(() -> SseCodec.event(null, "1\r", "x")).hasMessage("SSE id must be one line without NUL");
        assertThatThrownBy(() -> SseCodec.event(null, "1\0", "x")).hasMessage("SSE id must be one line without NUL");
    }
}
