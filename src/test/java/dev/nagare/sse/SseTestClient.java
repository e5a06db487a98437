package dev.nagare.sse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A bare EventSource over a socket: exact bytes, a read timeout, and control over when it reads. */
public final class SseTestClient implements AutoCloseable {
    /** One parsed event; {@code data} joins its data lines with LF, as EventSource does. */
    public record Event(String event, String id, String data) {
    }

    public final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    final Socket socket;
    private final BufferedReader in;

    public SseTestClient(String baseUrl, String path, Map<String, String> requestHeaders) throws IOException {
        URI uri = URI.create(baseUrl);
        socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(15_000);
        StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + uri.getAuthority()
                + "\r\nAccept: text/event-stream\r\n");
        requestHeaders.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        OutputStream out = socket.getOutputStream();
        out.write(req.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String statusLine = in.readLine();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).trim());
        }
    }

    /** The next line of the body, chunked-encoding size lines skipped; null at the end. */
    public String line() throws IOException {
        while (true) {
            String line = in.readLine();
            if (line == null || !line.matches("[0-9a-fA-F]+")) {
                return line; // no field line is bare hex: each starts with a name and a colon
            }
            if (line.equals("0")) {
                return null; // the last chunk
            }
        }
    }

    /** The next event (comments and retry hints skipped); null when the stream ends. */
    public Event next() throws IOException {
        String event = null;
        String id = null;
        List<String> data = new ArrayList<>();
        boolean any = false;
        for (String line = line(); line != null; line = line()) {
            if (line.isEmpty()) {
                if (any) {
                    return new Event(event, id, String.join("\n", data));
                }
                continue;
            }
            if (line.startsWith(":") || line.startsWith("retry:")) {
                continue;
            }
            any = true;
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
            switch (field) {
                case "event" -> event = value;
                case "id" -> id = value;
                case "data" -> data.add(value);
                default -> { }
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
