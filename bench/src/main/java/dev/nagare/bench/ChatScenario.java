package dev.nagare.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Chat end to end: {@code --users} logged-in users (one token each) in room "general" of Nagare's
 * real {@code /chat} namespace; {@code --senders} of them post {@code --rate} messages/s in total
 * for {@code --seconds}. Reports the p50/p99/p99.9 latency from "send" to each member's "message"
 * event and from "send" to its ack (stored), then checks through the public history API that the
 * number of messages persisted equals the number acked and that every member got every one.
 */
public final class ChatScenario {
    private static final long HIGHEST_US = 600_000_000L;
    private static final long BASE = System.nanoTime();

    private final int port;
    private final List<String> tokens;
    private final int users;
    private final int senders;
    private final double rate;
    private final double seconds;
    private final double warmupSeconds;
    private final int sources;
    private final int connectWindow;
    private final Path out;
    /** This run's tag: client ids are "<run>-<seq>", at least 8 characters as the chat requires. */
    private final String run = "bench" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    private Vertx vertx;
    private final List<WebSocketClient> wsClients = new ArrayList<>();
    private final Recorder delivery = new Recorder(HIGHEST_US, 3);
    private final Recorder acks = new Recorder(HIGHEST_US, 3);
    private final LongAdder delivered = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private final LongAdder disconnects = new LongAdder();
    private volatile boolean measuring;
    private volatile boolean stopping;

    private ChatScenario(Opts o) throws Exception {
        port = o.integer("port", 0);
        tokens = Files.readAllLines(Path.of(o.required("tokens"))).stream().filter(s -> !s.isBlank()).toList();
        users = Math.min(o.integer("users", 1000), tokens.size());
        senders = Math.min(o.integer("senders", 50), users);
        rate = o.dbl("rate", 50);
        seconds = o.dbl("seconds", 20);
        warmupSeconds = o.dbl("warmup-seconds", 5);
        sources = Math.max(1, Math.min(250, o.integer("source-addresses", 8)));
        connectWindow = Math.max(1, o.integer("connect-window", 32));
        out = o.has("out") ? Path.of(o.str("out", "")) : null;
    }

    public static void main(String[] args) throws Exception {
        System.exit(new ChatScenario(Opts.parse(args, 0)).run());
    }

    private int run() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        for (int k = 0; k < sources; k++) {
            wsClients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress("127.0.0." + (10 + k))
                    .setMaxConnections(users + 16).setConnectTimeout(10_000).setTcpNoDelay(true)
                    .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20)));
        }
        log("chat: connecting %d users to /chat (%d senders, %.0f messages/s in total)", users, senders, rate);
        long c0 = System.nanoTime();
        User[] all = new User[users];
        int concurrency = connectWindow;
        Semaphore window = new Semaphore(concurrency);
        List<Future<Void>> connecting = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            all[i] = new User(vertx.getOrCreateContext(), wsClients.get(i % sources), tokens.get(i));
            window.acquire();
            Future<Void> f = all[i].connect();
            f.onComplete(ar -> window.release());
            connecting.add(f);
        }
        Future.all(connecting).await(120, TimeUnit.SECONDS);
        long connectMs = (System.nanoTime() - c0) / 1_000_000;
        log("chat: %d users connected and in #general in %d ms", users, connectMs);

        Context lane = vertx.getOrCreateContext();
        Sender sender = new Sender(lane, all);
        long timer = vertx.setPeriodic(1, id -> lane.runOnContext(v -> sender.tick()));
        Thread.sleep(Math.round(warmupSeconds * 1000));
        delivery.reset();
        acks.reset();
        long sent0 = sent.sum();
        long delivered0 = delivered.sum();
        measuring = true;
        long t0 = System.nanoTime();
        Thread.sleep(Math.round(seconds * 1000));
        vertx.cancelTimer(timer);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        measuring = false;
        // Let the last messages and acks arrive.
        for (int i = 0; i < 100 && (acked.sum() + refusedCount() < sent.sum() || delivered.sum() < acked.sum() * users); i++) {
            Thread.sleep(100);
        }
        Histogram d = delivery.getIntervalHistogram();
        Histogram a = acks.getIntervalHistogram();
        long persisted = countPersisted(all[0]);

        JsonObject result = new JsonObject()
                .put("scenario", "chat").put("server", "nagare").put("date", Instant.now().toString())
                .put("users", users).put("senders", senders).put("rate", rate).put("seconds", seconds)
                .put("connectMs", connectMs)
                .put("sent", sent.sum()).put("acked", acked.sum()).put("refused", refusals.toString())
                .put("persisted", persisted).put("persistedEqualsAcked", persisted == acked.sum())
                .put("deliveries", delivered.sum()).put("expectedDeliveries", acked.sum() * users)
                .put("everyoneGotEverything", delivered.sum() == acked.sum() * users)
                .put("measuredDeliveriesPerSecond", Math.round((delivered.sum() - delivered0) / elapsed))
                .put("measuredMessagesPerSecond", Math.round((sent.sum() - sent0) / elapsed))
                .put("deliveryMs", percentiles(d)).put("ackMs", percentiles(a))
                .put("disconnects", disconnects.sum());
        log("BENCH_RESULT %s", result.encode());
        if (out != null) {
            Files.writeString(out, result.encodePrettily());
        }
        stopping = true;
        vertx.close().await(10, TimeUnit.SECONDS);
        return persisted == acked.sum() && delivered.sum() == acked.sum() * users ? 0 : 1;
    }

    private long refusedCount() {
        return refusals.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Pages through #general with the public history API and counts this run's messages. */
    private long countPersisted(User u) throws Exception {
        long after = 0;
        long count = 0;
        while (true) {
            JsonObject page = u.request("history", new JsonObject().put("room", "general").put("after", after)
                    .put("limit", 200)).await(30, TimeUnit.SECONDS);
            JsonArray msgs = page.getJsonArray("messages");
            for (int i = 0; i < msgs.size(); i++) {
                JsonObject m = msgs.getJsonObject(i);
                after = m.getLong("id");
                if (m.getString("clientId").startsWith(run + "-")) {
                    count++;
                }
            }
            if (!page.getBoolean("more")) {
                return count;
            }
        }
    }

    private static JsonObject percentiles(Histogram h) {
        return new JsonObject().put("count", h.getTotalCount())
                .put("p50", h.getValueAtPercentile(50) / 1000.0).put("p99", h.getValueAtPercentile(99) / 1000.0)
                .put("p999", h.getValueAtPercentile(99.9) / 1000.0).put("max", h.getMaxValue() / 1000.0);
    }

    /** Spreads {@code rate} messages/s over the senders, round robin; runs on its lane every 1 ms. */
    private final class Sender {
        private final User[] all;
        private final long start = System.nanoTime();
        private long done;
        private int next;

        Sender(Context lane, User[] all) {
            this.all = all;
        }

        void tick() {
            long due = (long) (rate * (System.nanoTime() - start) / 1e9) - done;
            for (long i = 0; i < due; i++) {
                User u = all[next];
                next = (next + 1) % senders;
                long seq = done++;
                long t = System.nanoTime() - BASE;
                u.send(seq, t);
            }
        }
    }

    /** One chat user: a Socket.IO client on /chat over a Vert.x WebSocket. Handlers run on its context. */
    private final class User {
        private final Context ctx;
        private final WebSocketClient client;
        private final String token;
        private final Map<Long, Promise<JsonObject>> pendingAcks = new ConcurrentHashMap<>();
        private long nextAck;
        private ClientWebSocket ws;
        private final Promise<Void> ready = Promise.promise();

        User(Context ctx, WebSocketClient client, String token) {
            this.ctx = ctx;
            this.client = client;
            this.token = token;
        }

        Future<Void> connect() {
            ctx.runOnContext(v -> {
                ws = client.webSocket();
                ws.textMessageHandler(this::onText);
                ws.closeHandler(x -> {
                    if (!stopping) {
                        disconnects.increment();
                    }
                    ready.tryFail("closed");
                });
                ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                        .setURI("/socket.io/?EIO=4&transport=websocket").setAllowOriginHeader(false).setTimeout(15_000))
                        .onFailure(ready::tryFail);
            });
            return ready.future();
        }

        private void onText(String s) {
            if (s.startsWith("42/chat,")) {
                if (s.startsWith("42/chat,[\"message\"")) {
                    int i = s.indexOf("\"text\":\"t=");
                    if (i > 0) {
                        long t = 0;
                        for (int j = i + 10; j < s.length() && Character.isDigit(s.charAt(j)); j++) {
                            t = t * 10 + (s.charAt(j) - '0');
                        }
                        delivered.increment();
                        if (measuring) {
                            delivery.recordValue(Math.max(1, Math.min(HIGHEST_US, (System.nanoTime() - BASE - t) / 1000)));
                        }
                    }
                } else if (s.startsWith("42/chat,[\"hello\"")) {
                    ready.tryComplete();
                }
            } else if (s.startsWith("43/chat,")) {
                int bracket = s.indexOf('[');
                long id = Long.parseLong(s.substring(8, bracket));
                Promise<JsonObject> p = pendingAcks.remove(id);
                if (p != null) {
                    p.tryComplete(new JsonArray(s.substring(bracket)).getJsonObject(0));
                }
            } else if (s.startsWith("0")) {
                ws.writeTextMessage("40/chat," + new JsonObject().put("token", token).encode());
            } else if (s.equals("2")) {
                ws.writeTextMessage("3");
            } else if (s.startsWith("44/chat,")) {
                ready.tryFail("CONNECT_ERROR " + s);
            }
        }

        Future<JsonObject> request(String event, JsonObject body) {
            Promise<JsonObject> p = Promise.promise();
            ctx.runOnContext(v -> {
                long id = nextAck++;
                pendingAcks.put(id, p);
                ws.writeTextMessage("42/chat," + id + new JsonArray().add(event).add(body).encode());
            });
            return p.future();
        }

        void send(long seq, long t) {
            String text = "t=" + t + " run " + run + " message " + seq;
            sent.increment();
            request("send", new JsonObject().put("room", "general").put("text", text).put("clientId", run + "-" + seq))
                    .onSuccess(reply -> {
                        if (reply.getBoolean("ok", false)) {
                            acked.increment();
                            if (measuring) {
                                acks.recordValue(Math.max(1, Math.min(HIGHEST_US, (System.nanoTime() - BASE - t) / 1000)));
                            }
                        } else {
                            refusals.computeIfAbsent(reply.getString("error"), k -> new LongAdder()).increment();
                        }
                    });
        }
    }

    private static void log(String fmt, Object... args) {
        System.out.println(String.format(Locale.ROOT, fmt, args));
        System.out.flush();
    }
}
