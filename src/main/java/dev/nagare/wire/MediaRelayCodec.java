package dev.nagare.wire;

import java.nio.ByteBuffer;

/**
 * What one node sends the others about one of its live streams, on that stream's Redis channel
 * (issue 18). Every message has the same 17-byte header, big-endian:
 *
 * <pre>
 * +------+--------------+-------------------+----------------------------------------------+
 * | type | sequence:u64 | captureMillis:u64 | payload                                      |
 * +------+--------------+-------------------+----------------------------------------------+
 *   'V'  a video frame:  the payload is one JPEG, as the source encoded it
 *   'A'  an audio chunk: the payload is 16-bit little-endian PCM in the stream's own format
 *   'E'  the stream ended on its node: no payload
 * </pre>
 *
 * The sequence counts the producing node's messages of that stream; captureMillis is the capture time
 * on the producing node (ms since 1970).
 */
public final class MediaRelayCodec {
    public static final int HEADER_BYTES = 17;
    public static final byte VIDEO = 'V';
    public static final byte AUDIO = 'A';
    public static final byte END = 'E';

    /** One decoded message; {@code payload} is empty for {@link #END}. */
    public record Message(byte type, long sequence, long captureMillis, byte[] payload) {
    }

    private MediaRelayCodec() {
    }

    public static byte[] encode(byte type, long sequence, long captureMillis, byte[] payload) {
        return ByteBuffer.allocate(HEADER_BYTES + payload.length).put(type).putLong(sequence).putLong(captureMillis)
                .put(payload).array();
    }

    public static byte[] end(long sequence, long captureMillis) {
        return encode(END, sequence, captureMillis, new byte[0]);
    }

    /**
     * Decodes a message whose payload holds at most {@code maxPayload} bytes.
     *
     * @throws ProtocolException naming what is wrong: too short, an unknown type, a payload too large, or
     *     an end message with a payload
     */
    public static Message decode(byte[] message, int maxPayload) throws ProtocolException {
        if (message.length < HEADER_BYTES) {
            throw new ProtocolException("relay message of " + message.length + " bytes is shorter than its 17-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(message);
        byte type = b.get();
        if (type != VIDEO && type != AUDIO && type != END) {
            throw new ProtocolException(String.format("unknown relay message type 0x%02x", type & 0xff));
        }
        long sequence = b.getLong();
        long captured = b.getLong();
        int size = message.length - HEADER_BYTES;
        if (type == END && size != 0) {
            throw new ProtocolException("relay end message with a payload of " + size + " bytes");
        }
        if (size > maxPayload) {
            throw new ProtocolException("relay payload of " + size + " bytes is over the limit of " + maxPayload);
        }
        byte[] payload = new byte[size];
        b.get(payload);
        return new Message(type, sequence, captured, payload);
    }
}
