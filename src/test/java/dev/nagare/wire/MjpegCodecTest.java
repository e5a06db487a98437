package dev.nagare.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MjpegCodecTest {
    @Test
    void aPartIsHeadersThenTheJpegThenTheNextBoundary() {
        byte[] jpeg = {(byte) 0xff, (byte) 0xd8, 1, 2, (byte) 0xff, (byte) 0xd9};
        String part = new String(MjpegCodec.part(jpeg, 1700000000123L, 42), StandardCharsets.ISO_8859_1);
        // headers, blank line, 6 JPEG bytes, CRLF, the boundary that lets the browser paint now
        assertThat(part).isEqualTo("Content-Type: image/jpeg\r\nContent-Length: 6\r\nX-Timestamp: 1700000000123\r\n"
                + "X-Frame: 42\r\n\r\n\u00ff\u00d8\u0001\u0002\u00ff\u00d9\r\n--nagareframe\r\n");
        assertThat(new String(MjpegCodec.START, StandardCharsets.US_ASCII)).isEqualTo("--nagareframe\r\n");
        assertThat(MjpegCodec.CONTENT_TYPE).isEqualTo("multipart/x-mixed-replace; boundary=nagareframe");
    }
}
