package dev.nagare.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The arena under load: {@code --players} bot clients (one token each) in one match of Nagare's real
 * {@code /game} namespace, each sending an input every tick (30 Hz) over its own WebSocket. Reports
 * the server's tick time and jitter (from {@code /api/game/stats} over the measured ticks), the
 * snapshot bytes per second each player receives, and input-to-state latency: from sending input n
 * to receiving the first snapshot whose "a" (last applied input) for this player is n or more.
 */
public final class GameScenario {
    private static final long HIGHEST_US = 60_000_000L;

    private final int port;
    private final List<String> tokens;
    private final int players;
    private final double seconds;
    private final double warmupSeconds;
    private final int tickHz;
    private final Path out;
    private final Recorder latency = new Recorder(HIGHEST_US, 3);
    private final LongAdder bytes = new LongAdder();
    private final LongAdder snapshots = new LongAdder();
    private final LongAdder inputs = new LongAdder();
    private final LongAdder disconnects = new LongAdder();
    private volatile boolean measuring;
    private volatile boolean stopping;
    private Vertx vertx;

    private GameScenario(Opts o) throws Exception {
        port = o.integer("port", 0);
        tokens = Files.readAllLines(Path.of(o.required("tokens"))).stream().filter(s -> !s.isBlank()).toList();
        players = Math.min(o.integer("players", 200), tokens.size());
        seconds = o.dbl("seconds", 20);
        warmupSeconds = o.dbl("warmup-seconds", 5);
        tickHz = o.integer("tick-hz", 30);
        out = o.has("out") ? Path.of(o.str("out", "")) : null;
    }

    public static void main(String[] args) throws Exception {
        System.exit(new GameScenario(Opts.parse(args, 0)).run());
    }

    private int run() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(players + 8)
                .setTcpNoDelay(true).setMaxFrameSize(1 << 20).setMaxMessageSize(4 << 20));
        System.out.printf(Locale.ROOT, "game: %d bot players joining one match%n", players);
        Bot[] bots = new Bot[players];
        String match = null;
        long c0 = System.nanoTime();
        for (int i = 0; i < players; i++) {
            bots[i] = new Bot(vertx.getOrCreateContext(), ws, tokens.get(i));
            String joined = bots[i].connect(match).await(30, TimeUnit.SECONDS);
            match = match == null ? joined : match;
        }
        long joinMs = (System.nanoTime() - c0) / 1_000_000;
        System.out.printf(Locale.ROOT, "game: %d players in %s after %d ms%n", players, match, joinMs);
        for (Bot b : bots) {
            b.start();
        }
        Thread.sleep(Math.round(warmupSeconds * 1000));
        latency.reset();
        long bytes0 = bytes.sum();
        long snaps0 = snapshots.sum();
        long inputs0 = inputs.sum();
        measuring = true;
        long t0 = System.nanoTime();
        Thread.sleep(Math.round(seconds * 1000));
        double elapsed = (System.nanoTime() - t0) / 1e9;
        measuring = false;
        JsonObject stats = serverStats((int) Math.round(elapsed * tickHz));
        Histogram h = latency.getIntervalHistogram();
        double perPlayerBytes = (bytes.sum() - bytes0) / elapsed / players;
        JsonObject result = new JsonObject().put("scenario", "game").put("server", "nagare")
                .put("date", Instant.now().toString()).put("players", players).put("seconds", seconds).put("tickHz", tickHz)
                .put("joinMs", joinMs)
                .put("server", stats)
                .put("snapshotBytesPerSecondPerPlayer", Math.round(perPlayerBytes))
                .put("snapshotsPerSecondPerPlayer", Math.round((snapshots.sum() - snaps0) / elapsed / players * 10) / 10.0)
                .put("inputsPerSecond", Math.round((inputs.sum() - inputs0) / elapsed))
                .put("inputToStateMs", new JsonObject().put("count", h.getTotalCount())
                        .put("p50", h.getValueAtPercentile(50) / 1000.0).put("p99", h.getValueAtPercentile(99) / 1000.0)
                        .put("max", h.getMaxValue() / 1000.0))
                .put("disconnects", disconnects.sum());
        System.out.println("BENCH_RESULT " + result.encode());
        if (out != null) {
            Files.writeString(out, result.encodePrettily());
        }
        stopping = true;
        vertx.close().await(10, TimeUnit.SECONDS);
        return 0;
    }

    private JsonObject serverStats(int ticks) throws Exception {
        var http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
        return http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/game/stats?ticks=" + ticks)
                        .putHeader("Authorization", "Bearer " + tokens.get(0)))
                .compose(r -> r.send()).compose(r -> r.body()).map(b -> b.toJsonObject())
                .await(10, TimeUnit.SECONDS);
    }

    /** One player over a raw Engine.IO/Socket.IO WebSocket; handlers run on its context. */
    private final class Bot {
        private final Context ctx;
        private final WebSocketClient client;
        private final String token;
        private final SplittableRandom random = new SplittableRandom();
        private final long[] sentAt = new long[1 << 12]; // by seq, modulo
        private ClientWebSocket ws;
        private Promise<String> joined;
        private String idKey;
        private int seq;
        private int acked;
        private double dx = 1;
        private double dy;

        Bot(Context ctx, WebSocketClient client, String token) {
            this.ctx = ctx;
            this.client = client;
            this.token = token;
        }

        Future<String> connect(String match) {
            joined = Promise.promise();
            ctx.runOnContext(v -> {
                ws = client.webSocket();
                ws.textMessageHandler(s -> onText(s, match));
                ws.closeHandler(x -> {
                    if (!stopping) {
                        disconnects.increment();
                    }
                    joined.tryFail("closed");
                });
                ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                        .setURI("/socket.io/?EIO=4&transport=websocket").setAllowOriginHeader(false))
                        .onFailure(joined::tryFail);
            });
            return joined.future();
        }

        private void onText(String s, String match) {
            if (s.startsWith("42/game,[\"s\"")) {
                snapshots.increment();
                if (measuring) {
                    bytes.add(s.length());
                }
                int at = idKey == null ? -1 : s.indexOf(idKey);
                if (at < 0) {
                    return;
                }
                int end = s.indexOf('}', at);
                int a = s.indexOf("\"a\":", at);
                if (a < 0 || a > end) {
                    return;
                }
                int v = 0;
                for (int i = a + 4; i < s.length() && Character.isDigit(s.charAt(i)); i++) {
                    v = v * 10 + (s.charAt(i) - '0');
                }
                long now = System.nanoTime();
                for (int n = acked + 1; n <= v && n <= seq; n++) {
                    if (measuring) {
                        latency.recordValue(Math.max(1, Math.min(HIGHEST_US, (now - sentAt[n & (sentAt.length - 1)]) / 1000)));
                    }
                }
                acked = Math.max(acked, v);
            } else if (s.startsWith("43/game,")) {
                JsonObject res = new JsonArray(s.substring(s.indexOf('['))).getJsonObject(0);
                if (!res.getBoolean("ok", false)) {
                    joined.tryFail(res.encode());
                    return;
                }
                idKey = "\"" + res.getInteger("you") + "\":{";
                joined.tryComplete(res.getString("match"));
            } else if (s.startsWith("40/game,")) {
                JsonObject body = match == null ? new JsonObject() : new JsonObject().put("match", match);
                ws.writeTextMessage("42/game,1" + new JsonArray().add("join").add(body).encode());
            } else if (s.startsWith("0")) {
                ws.writeTextMessage("40/game," + new JsonObject().put("token", token).encode());
            } else if (s.equals("2")) {
                ws.writeTextMessage("3");
            } else if (s.startsWith("44/game,")) {
                joined.tryFail("CONNECT_ERROR " + s);
            }
        }

        void start() {
            ctx.runOnContext(v -> vertx.setPeriodic(1000 / tickHz, id -> input()));
        }

        private void input() {
            if (random.nextInt(30) == 0) {
                double angle = random.nextDouble() * 2 * Math.PI;
                dx = 0.999 * Math.cos(angle); // rounded to 3 decimals below, the length stays under 1
                dy = 0.999 * Math.sin(angle);
            }
            seq++;
            sentAt[seq & (sentAt.length - 1)] = System.nanoTime();
            ws.writeTextMessage(String.format(Locale.ROOT, "42/game,[\"input\",{\"s\":%d,\"x\":%.3f,\"y\":%.3f}]", seq, dx, dy));
            inputs.increment();
        }
    }
}
