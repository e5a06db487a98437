package dev.nagare.media.video;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal MJPEG client over a raw socket, so the test controls when it reads and how much the
 * kernel may buffer (SO_RCVBUF). Decodes HTTP/1.1 chunked transfer and the multipart parts.
 */
final class MjpegReader implements AutoCloseable {
    record Part(long frame, long timestamp, int length, byte[] jpeg) {
    }

    private final Socket socket;
    private final InputStream in;
    private int chunkLeft;

    MjpegReader(int port, String path, String token, int receiveBuffer) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // Buffered: read byte by byte from the socket, a steady reader cost a system call per byte and
        // fell below 30 fps on a busy machine. A paused reader calls nothing, so nothing more is read.
        in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
        String status = rawLine();
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("unexpected " + status);
        }
        while (!rawLine().isEmpty()) {
            // response headers
        }
    }

    /** The next multipart part: its headers and JPEG bytes. */
    Part next() throws IOException {
        long frame = -1;
        long ts = -1;
        int length = -1;
        for (String line; !(line = line()).isEmpty() || length < 0; ) {
            if (line.startsWith("Content-Length: ")) {
                length = Integer.parseInt(line.substring(16).trim());
            } else if (line.startsWith("X-Timestamp: ")) {
                ts = Long.parseLong(line.substring(13).trim());
            } else if (line.startsWith("X-Frame: ")) {
                frame = Long.parseLong(line.substring(9).trim());
            }
        }
        byte[] jpeg = new byte[length];
        for (int i = 0; i < length; i++) {
            jpeg[i] = (byte) read();
        }
        return new Part(frame, ts, length, jpeg);
    }

    private String rawLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("closed");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** A line of the de-chunked body. */
    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = read()) != '\n'; ) {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private int read() throws IOException {
        if (chunkLeft == 0) {
            String size = rawLine();
            if (size.isEmpty()) {
                size = rawLine(); // the CRLF that ends the previous chunk
            }
            chunkLeft = Integer.parseInt(size.trim(), 16);
            if (chunkLeft == 0) {
                throw new IOException("stream ended");
            }
        }
        int c = in.read();
        if (c < 0) {
            throw new IOException("closed");
        }
        chunkLeft--;
        return c;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
