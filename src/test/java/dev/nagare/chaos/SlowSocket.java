package dev.nagare.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A reader that stops reading: a plain socket with a small receive buffer that sends one GET, reads
 * its status line and then nothing, so the server's writes back up. {@link #drain} reads what
 * arrived afterwards and tells whether the server dropped the connection.
 */
final class SlowSocket implements AutoCloseable {
    /** What the reader found when it finally read: bytes waiting, and whether the server had closed. */
    record Drained(long bytes, boolean closedByServer, byte[] tail) {
        /**
         * The code of a server's WebSocket close frame at the end of what was read (RFC 6455 section
         * 5.5.1: 0x88, a length under 126, the code in two bytes), or -1.
         */
        int closeFrameCode() {
            for (int i = tail.length - 4; i >= 0; i--) {
                if ((tail[i] & 0xff) == 0x88 && tail[i + 1] >= 2 && tail[i + 1] < 126 && i + 2 + tail[i + 1] == tail.length) {
                    return (tail[i + 2] & 0xff) << 8 | tail[i + 3] & 0xff;
                }
            }
            return -1;
        }
    }

    private final Socket socket;
    private final String status;

    private SlowSocket(Socket socket, String status) {
        this.socket = socket;
        this.status = status;
    }

    /** Opens {@code path} from {@code localAddress} (null: any) with a bearer token; reads the status line only. */
    static SlowSocket open(String localAddress, int port, String path, String token) throws IOException {
        return open(localAddress, port, path, token, "");
    }

    private static SlowSocket open(String localAddress, int port, String path, String token, String headers)
            throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // before connect, so the advertised window stays small
        s.setSoTimeout(10_000);
        if (localAddress != null) {
            s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        try {
            for (int c = in.read(); c >= 0 && c != '\n' && line.length() < 200; c = in.read()) {
                line.append((char) c);
            }
        } catch (IOException e) {
            line.append("(").append(e.getClass().getSimpleName()).append(")");
        }
        return new SlowSocket(s, line.toString().trim());
    }

    /**
     * A Socket.IO client over WebSocket that joins the root namespace with {@code token} and then never
     * reads: it reads the 101 status line, writes its CONNECT frame (writing needs no reading) and stops.
     */
    static SlowSocket socketIo(int port, String token) throws IOException {
        SlowSocket s = open(null, port, "/socket.io/?EIO=4&transport=websocket", token, "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: c2xvdy1yZWFkZXItY2hhb3M=\r\n");
        if (s.statusCode() == 101) {
            s.socket.getOutputStream().write(maskedText("40{\"token\":\"" + token + "\"}"));
        }
        return s;
    }

    /** A client's text frame (RFC 6455 section 5.2: FIN, opcode 1, masked). */
    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x5a, 0x1c, 0x7e, 0x33};
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x81);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        }
        out.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        return out.toByteArray();
    }

    /** The HTTP status code of the answer, or 0 when none came. */
    int statusCode() {
        String[] parts = status.split(" ");
        return parts.length > 1 && parts[1].matches("\\d{3}") ? Integer.parseInt(parts[1]) : 0;
    }

    /** Reads for at most {@code millis}: until the server's close, or until nothing came for 500 ms. */
    Drained drain(long millis) throws IOException {
        long bytes = 0;
        byte[] tail = new byte[0];
        long end = System.nanoTime() + millis * 1_000_000;
        byte[] buf = new byte[64 * 1024];
        socket.setSoTimeout(500);
        InputStream in = socket.getInputStream();
        while (System.nanoTime() < end) {
            try {
                int n = in.read(buf);
                if (n < 0) {
                    return new Drained(bytes, true, tail);
                }
                bytes += n;
                tail = last(tail, buf, n);
            } catch (SocketTimeoutException e) {
                return new Drained(bytes, false, tail);
            } catch (IOException e) {
                return new Drained(bytes, true, tail); // reset by the server
            }
        }
        return new Drained(bytes, false, tail);
    }

    /** The last 256 bytes of {@code tail} followed by {@code buf[0..n)}. */
    private static byte[] last(byte[] tail, byte[] buf, int n) {
        byte[] joined = new byte[tail.length + n];
        System.arraycopy(tail, 0, joined, 0, tail.length);
        System.arraycopy(buf, 0, joined, tail.length, n);
        return java.util.Arrays.copyOfRange(joined, Math.max(0, joined.length - 256), joined.length);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the server may have closed it already
        }
    }
}
