package dev.nagare.media.video;

import dev.nagare.wire.MjpegCodec;
import io.vertx.core.buffer.Buffer;

/**
 * One encoded frame, immutable. {@code part} is the complete multipart part (headers, JPEG and the
 * next boundary), built once and written as is to every viewer.
 */
public record Frame(byte[] jpeg, Buffer part, long sequence, long captureMillis) {

    public static Frame of(byte[] jpeg, long sequence, long captureMillis) {
        return new Frame(jpeg, Buffer.buffer(MjpegCodec.part(jpeg, captureMillis, sequence)), sequence, captureMillis);
    }
}
