package dev.nagare.wire;

import java.nio.charset.StandardCharsets;

/**
 * MJPEG over HTTP ({@code multipart/x-mixed-replace}), as browsers and ffmpeg's mpjpeg read it.
 *
 * <pre>
 * --BOUNDARY\r\n                                   (once, when the response starts)
 * Content-Type: image/jpeg\r\n
 * Content-Length: N\r\n
 * X-Timestamp: &lt;capture time, epoch ms&gt;\r\n
 * X-Frame: &lt;frame number&gt;\r\n
 * \r\n
 * &lt;N bytes of JPEG&gt;\r\n
 * --BOUNDARY\r\n                                   (right after the frame: the browser paints now)
 * </pre>
 */
public final class MjpegCodec {
    public static final String BOUNDARY = "nagareframe";
    public static final String CONTENT_TYPE = "multipart/x-mixed-replace; boundary=" + BOUNDARY;
    public static final byte[] START = ("--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.US_ASCII);

    private MjpegCodec() {
    }

    /** One part: its headers, the JPEG, and the next boundary. */
    public static byte[] part(byte[] jpeg, long captureMillis, long frame) {
        byte[] head = ("Content-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\nX-Timestamp: "
                + captureMillis + "\r\nX-Frame: " + frame + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + jpeg.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(jpeg, 0, out, head.length, jpeg.length);
        System.arraycopy(tail, 0, out, head.length + jpeg.length, tail.length);
        return out;
    }
}
