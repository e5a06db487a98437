package dev.nagare.chaos;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One reader of each streaming kind stops reading while traffic flows to it, beside a healthy reader
 * of the same kind: the server must drop the slow one (close its connection) or let it skip (the
 * healthy one keeps its full rate), and its live heap must end where it began.
 */
final class SlowReaders {
    /** Live heap after the check may exceed the one before by at most this. */
    static final long HEAP_GROWTH_BOUND = 16L << 20;
    private static final int DATA_CHARS = 250_000;
    /** 12 MB to each reader, past the 4 MB session queue and the socket buffers, at 5 MB/s (a healthy poller may pause 0.8 s). */
    private static final int DATA_EVENTS = 48;

    private final int seconds;
    private final Vertx vertx = Vertx.vertx();
    private final java.net.http.HttpClient jdk = java.net.http.HttpClient.newHttpClient();
    private final List<String> figures = new ArrayList<>();
    private JarServer server;
    private String token;
    private boolean held = true;

    SlowReaders(ChaosScenarios.Sizes sizes) {
        this.seconds = Math.max(8, sizes.memorySeconds() / 2);
    }

    ChaosReport.Row run(JarServer target, String bearer) throws Exception {
        server = target;
        token = bearer;
        long heapBefore = server.liveHeapBytes();
        try {
            socketIo();
            Thread sse = new Thread(() -> guard("SSE", this::sse));
            Thread mjpeg = new Thread(() -> guard("MJPEG", this::mjpeg));
            Thread audio = new Thread(() -> guard("audio", this::audio));
            for (Thread t : List.of(sse, mjpeg, audio)) {
                t.start();
            }
            for (Thread t : List.of(sse, mjpeg, audio)) {
                t.join();
            }
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
        long heapAfter = server.liveHeapBytes();
        boolean flat = heapAfter <= heapBefore + HEAP_GROWTH_BOUND;
        if (!flat) {
            histogram();
        }
        return new ChaosReport.Row("Slow readers of every kind", String.format("one reader stops reading, one keeps"
                + " reading, per kind (WebSocket and polling on / with %d broadcast events of %,d characters;"
                + " SSE, MJPEG and audio for %d s)", DATA_EVENTS, DATA_CHARS, seconds), held && flat && server.alive(),
                0, String.join("; ", figures) + String.format("; live heap %.1f → %.1f MB (bound +%d MB)",
                        heapBefore / 1e6, heapAfter / 1e6, HEAP_GROWTH_BOUND >> 20));
    }

    /** What holds the heap, for a look afterwards: target/chaos/slow-readers-histogram.txt. */
    private void histogram() throws Exception {
        Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(server.pid()), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target/chaos"));
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/chaos/slow-readers-histogram.txt"), out);
    }

    private interface Check {
        void run() throws Exception;
    }

    private void guard(String kind, Check check) {
        try {
            check.run();
        } catch (Exception e) {
            record(kind + ": failed with " + e, false);
        }
    }

    private synchronized void record(String figure, boolean ok) {
        figures.add(figure);
        held &= ok;
    }

    private RequestOptions get(String uri) {
        return new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(server.port()).setURI(uri)
                .putHeader("Authorization", "Bearer " + token);
    }

    /**
     * WebSocket and polling readers of the root namespace while an admin sends the guide's {@code data}
     * event, which the server broadcasts as {@code message} to everyone there: {@link #DATA_EVENTS} of
     * {@link #DATA_CHARS} characters. The root namespace keeps nothing for recovery (unlike /chat, whose
     * recovery buffer would hold the traffic for two minutes whoever reads it), so what stays in the heap
     * afterwards is what the slow readers left.
     */
    private void socketIo() throws Exception {
        WebSocketClient normal = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(10)
                .setMaxFrameSize(2 * DATA_CHARS).setMaxMessageSize(2 * DATA_CHARS));
        // A plain socket, not a paused Vert.x client: that one reads up to 16 messages into its own heap first.
        SlowSocket slowWs = SlowSocket.socketIo(server.port(), token);
        RawSocketIo healthyWs = RawSocketIo.join(normal, server.port(), "/", token);
        AtomicLong wsReceived = new AtomicLong();
        Thread counting = new Thread(() -> {
            try {
                while (!healthyWs.isClosed() || !healthyWs.frames.isEmpty()) {
                    String f = healthyWs.frames.poll(100, TimeUnit.MILLISECONDS);
                    if (f != null && f.startsWith("42[\"message\"")) {
                        wsReceived.incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        counting.start();
        String slowSid = pollingJoin();
        String healthySid = pollingJoin();
        AtomicLong pollReceived = new AtomicLong();
        boolean[] polling = {true};
        Thread poller = new Thread(() -> {
            try {
                while (polling[0]) {
                    HttpResponse<String> r = poll(healthySid);
                    if (r.statusCode() != 200) {
                        break;
                    }
                    pollReceived.addAndGet(r.body().split("42\\[\"message\"", -1).length - 1);
                }
            } catch (Exception e) {
                polling[0] = false;
            }
        });
        poller.start();
        long sent = sendData();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((wsReceived.get() < sent || pollReceived.get() < sent) && System.nanoTime() < end) {
            Thread.sleep(100); // the healthy readers catch up with the last events
        }
        polling[0] = false;
        closePolling(healthySid); // ends the healthy reader's pending poll at once
        SlowSocket.Drained ws = slowWs.drain(10_000);
        slowWs.close();
        HttpResponse<String> slowPoll = poll(slowSid);
        healthyWs.close();
        poller.join(40_000);
        counting.join(5_000);
        // Vert.x sends the close frame after what is queued, then waits for the client's before it closes TCP.
        boolean wsDropped = slowWs.statusCode() == 101 && (ws.closedByServer() || ws.closeFrameCode() == 1008);
        boolean pollDropped = slowPoll.statusCode() == 400;
        record(String.format("WebSocket: slow one %s, healthy one got %,d of %,d", wsDropped ? "dropped (" + (ws.closedByServer() ? "connection closed" : "close frame 1008 after what"
                + " was queued; TCP still open while the close handshake waits") + ")" : "NOT dropped",
                wsReceived.get(), sent) + String.format(" (%,d bytes were waiting for the slow one)", ws.bytes()), wsDropped && wsReceived.get() == sent);
        record(String.format("polling: slow one %s, healthy one got %,d of %,d", pollDropped ? "dropped (its next poll: 400)"
                : "NOT dropped (its next poll: " + slowPoll.statusCode() + ", " + slowPoll.body().length() + " chars)",
                pollReceived.get(), sent), pollDropped && pollReceived.get() == sent);
    }

    /** Sends {@link #DATA_EVENTS} guide {@code data} events at 20 a second (the default allows 50); returns how many. */
    private long sendData() throws Exception {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(2 * DATA_CHARS).setMaxMessageSize(2 * DATA_CHARS));
        try (RawSocketIo c = RawSocketIo.join(client, server.port(), "/", token)) {
            String packet = "42[\"data\",\"" + "d".repeat(DATA_CHARS) + "\"]";
            long start = System.nanoTime();
            for (int n = 0; n < DATA_EVENTS; n++) {
                long wait = start + n * 50_000_000L - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the sender's pace, under the 50/s rate of data events
                }
                c.send(packet);
            }
            String refused = null;
            for (String f = c.frames.poll(1, TimeUnit.SECONDS); f != null; f = c.frames.poll(1, TimeUnit.SECONDS)) {
                refused = f.contains("nagare:error") ? f : refused;
            }
            if (refused != null) {
                throw new IllegalStateException("data event refused: " + refused);
            }
            return DATA_EVENTS;
        }
    }

    private String pollingJoin() throws Exception {
        String base = server.url() + "/socket.io/?EIO=4&transport=polling";
        HttpResponse<String> open = jdk.send(HttpRequest.newBuilder(URI.create(base)).build(),
                HttpResponse.BodyHandlers.ofString());
        String sid = new JsonObject(open.body().substring(1)).getString("sid");
        jdk.send(HttpRequest.newBuilder(URI.create(base + "&sid=" + sid)).POST(HttpRequest.BodyPublishers.ofString(
                "40{\"token\":\"" + token + "\"}")).build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> joined = poll(sid);
        if (!joined.body().contains("40{")) {
            throw new IllegalStateException("polling join: " + joined.body());
        }
        return sid;
    }

    private void closePolling(String sid) throws Exception {
        jdk.send(HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=4&transport=polling&sid=" + sid))
                .POST(HttpRequest.BodyPublishers.ofString("1")).build(), HttpResponse.BodyHandlers.discarding());
    }

    private HttpResponse<String> poll(String sid) throws Exception {
        return jdk.send(HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=4&transport=polling&sid=" + sid))
                .timeout(Duration.ofSeconds(40)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A healthy stream reader: counts bytes; keeps the first 64 (a WAV header). */
    private static final class Counting {
        final AtomicLong bytes = new AtomicLong();
        final Buffer head = Buffer.buffer();
        HttpClientRequest request;
        int status;
    }

    private Counting follow(HttpClient client, String uri) throws Exception {
        Counting c = new Counting();
        c.request = client.request(get(uri)).await(10, TimeUnit.SECONDS);
        // The handler is set on the event loop as the answer arrives, before any of its body.
        c.status = c.request.send().onSuccess(res -> res.handler(b -> {
            if (c.head.length() < 64) {
                c.head.appendBuffer(b.slice(0, Math.min(b.length(), 64 - c.head.length())));
            }
            c.bytes.addAndGet(b.length());
        })).await(10, TimeUnit.SECONDS).statusCode();
        return c;
    }

    /** An admin publishes 64 KB events at 90 a second to a channel one reader follows and one does not read. */
    private void sse() throws Exception {
        String channel = "slow-readers";
        String event = "{\"data\":\"" + "e".repeat(65_000) + "\"}";
        publishSse(channel, event);
        HttpClient client = vertx.createHttpClient();
        Counting healthy = follow(client, "/sse/" + channel);
        try (SlowSocket slow = SlowSocket.open(null, server.port(), "/sse/" + channel, token)) {
            long published = 0;
            long refused = 0;
            long start = System.nanoTime();
            for (long n = 0; System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds); n++) {
                long wait = start + n * 1_000_000_000L / 90 - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the publisher's pace, under the 100/s default rate
                }
                if (publishSse(channel, event) == 202) {
                    published++;
                } else {
                    refused++;
                }
            }
            long expected = published * event.length() - published * 10; // the data part of each event
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (healthy.bytes.get() < expected && System.nanoTime() < end) {
                Thread.sleep(50); // the healthy reader catches up
            }
            SlowSocket.Drained d = slow.drain(3000);
            boolean ok = d.closedByServer() && healthy.bytes.get() >= expected;
            record(String.format("SSE: slow one %s after %,d bytes, healthy one got %.1f of %.1f MB (%,d events"
                    + " published, %d refused)", d.closedByServer() ? "dropped" : "NOT dropped", d.bytes(),
                    healthy.bytes.get() / 1e6, expected / 1e6, published, refused), ok);
        } finally {
            healthy.request.reset();
        }
    }

    private int publishSse(String channel, String body) throws Exception {
        return jdk.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/sse/" + channel))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Two viewers of /video/default, one paused: the server's own per-viewer stats give their rates. */
    private void mjpeg() throws Exception {
        HttpClient client = vertx.createHttpClient();
        long produced0 = stats().getLong("framesProduced");
        Counting healthy = follow(client, "/video/default");
        try (SlowSocket slow = SlowSocket.open(null, server.port(), "/video/default", token)) {
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds)); // the stream runs while one viewer reads and one does not
            JsonObject stats = stats();
            double producedFps = (stats.getLong("framesProduced") - produced0) / (double) seconds;
            List<JsonObject> viewers = new ArrayList<>();
            stats.getJsonArray("viewerStats", new JsonArray()).forEach(v -> viewers.add((JsonObject) v));
            viewers.sort(Comparator.comparingDouble(v -> -v.getDouble("fps")));
            SlowSocket.Drained d = slow.drain(1000);
            if (viewers.size() != 2) {
                record("MJPEG: expected 2 viewers in the stats, found " + viewers, false);
                return;
            }
            JsonObject fast = viewers.get(0);
            JsonObject paused = viewers.get(1);
            // Skips are counted only when a frame goes, so the paused viewer's own rate tells: far below the source's.
            boolean ok = (d.closedByServer() || paused.getDouble("fps") < 0.5 * producedFps)
                    && fast.getDouble("fps") >= 0.8 * producedFps;
            record(String.format("MJPEG: slow one %s (%.1f fps, %,d frames skipped, %,d bytes waiting), healthy one"
                    + " %.1f fps of %.1f produced, %,d skipped, %.1f MB", d.closedByServer() ? "dropped" : "skips",
                    paused.getDouble("fps"), paused.getLong("skipped"), d.bytes(), fast.getDouble("fps"), producedFps,
                    fast.getLong("skipped"), healthy.bytes.get() / 1e6), ok);
        } finally {
            healthy.request.reset();
        }
    }

    private JsonObject stats() throws Exception {
        HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(URI.create(server.url() + "/video/default/stats"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        return new JsonObject(r.body());
    }

    /** Two listeners of /audio/default.wav, one paused; the healthy one must keep the WAV header's byte rate. */
    private void audio() throws Exception {
        HttpClient client = vertx.createHttpClient();
        Counting healthy = follow(client, "/audio/default.wav");
        try (SlowSocket slow = SlowSocket.open(null, server.port(), "/audio/default.wav", token)) {
            long start = System.nanoTime();
            long startBytes = healthy.bytes.get();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds)); // the tone plays while one listener reads and one does not
            double elapsed = (System.nanoTime() - start) / 1e9;
            long got = healthy.bytes.get() - startBytes;
            int byteRate = healthy.head.length() >= 32 && healthy.head.getString(0, 4).equals("RIFF")
                    ? ByteBuffer.wrap(healthy.head.getBytes(28, 32)).order(ByteOrder.LITTLE_ENDIAN).getInt() : 96_000;
            SlowSocket.Drained d = slow.drain(1000);
            boolean skipped = d.bytes() < healthy.bytes.get() / 2;
            boolean ok = healthy.status == 200 && (d.closedByServer() || skipped) && got >= 0.9 * byteRate * elapsed;
            record(String.format("audio: slow one %s (%,d bytes waiting for it against %,d sent to the healthy one),"
                    + " healthy one %.0f of %,d bytes/s", d.closedByServer() ? "dropped" : skipped ? "skips" : "NEITHER"
                    + " dropped nor skipping", d.bytes(), healthy.bytes.get(), got / elapsed, byteRate), ok);
        } finally {
            healthy.request.reset();
        }
    }
}
