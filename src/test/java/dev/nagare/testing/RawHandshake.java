package dev.nagare.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket handshake written by hand, so a test controls the Origin header exactly (as a
 * browser on another site would send it) and can read the refusal's status and JSON body.
 */
public final class RawHandshake {
    /** The status code and body of the server's answer (the body is empty after a 101). */
    public record Answer(int status, String body) {
    }

    private RawHandshake() {
    }

    /** Sends the upgrade for {@code path} with {@code origin} (null: none) and a bearer token. */
    public static Answer upgrade(TestServer server, String path, String origin, String token) throws IOException {
        URI base = URI.create(server.baseUrl());
        try (Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer " + token + "\r\n");
            if (origin != null) {
                req.append("Origin: ").append(origin).append("\r\n");
            }
            s.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = readHead(in);
            int status = Integer.parseInt(head.substring(9, 12));
            if (status == 101) {
                return new Answer(101, "");
            }
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            return new Answer(status, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
