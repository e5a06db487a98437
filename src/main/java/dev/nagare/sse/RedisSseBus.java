package dev.nagare.sse;

import dev.nagare.adapter.RedisLink;
import dev.nagare.web.RefusalLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's SSE log as one Redis Stream, {@code <cluster key>:sse}:
 * <pre>
 * XADD &lt;key&gt;:sse MAXLEN ~ 10000 * c &lt;channel&gt; [e &lt;event&gt;] d &lt;data&gt; n &lt;node&gt;
 * entry id "1733400000000-3" -> SSE id 1733400000000000003 (ms × 10^6 + sequence)
 * </pre>
 * Publishes go out on one connection of their own, so Redis appends them in the order this node
 * asked. A second connection of its own reads with {@code XREAD BLOCK}, starting a history window
 * back (so a node that starts later holds the same histories as the others) and then from the last
 * entry it read: after a lost connection it reconnects with backoff (0.2 s doubling to 5 s) and
 * resumes there, and when that entry is no longer in the stream (trimmed, or Redis restarted empty)
 * it tells the receiver that events may be missing. An entry that is not ours (a missing field, a bad
 * channel or event name, too large) is logged, at most once a second, and skipped.
 */
public final class RedisSseBus implements SseBus {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSseBus.class);
    private static final RefusalLog BAD = new RefusalLog(LOG);
    static final long DEFAULT_MAX_LEN = 10_000;
    static final int BATCH = 500;
    static final long BLOCK_MS = 5_000;
    private static final long MAX_BACKOFF_MS = 5_000;
    private static final long PUBLISH_TIMEOUT_MS = 5_000;
    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private final Vertx vertx;
    private final Context context;
    private final String key;
    private final String where;
    private final long maxLen;
    private final long maxDataBytes;
    private final String node = UUID.randomUUID().toString();
    private final Redis reader;
    private final Redis writer;
    private Future<RedisConnection> writing;  // guarded by this
    private RedisConnection reading;          // context only, as are the fields below
    private Receiver receiver;
    private String lastSeen;
    private boolean seenAny;
    private boolean resumed;
    private long startedAt;
    private long backoffMs = 200;
    private volatile boolean closed;

    /** The stream {@code <cluster key>:sse}, trimmed to about {@code maxLen} entries; events up to {@code maxDataBytes}. */
    public RedisSseBus(Vertx vertx, RedisLink link, long maxLen, long maxDataBytes) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.key = link.config().key() + ":sse";
        this.where = key + " at " + link.config();
        this.maxLen = maxLen;
        this.maxDataBytes = maxDataBytes;
        RedisOptions options = link.options().setMaxPoolSize(1).setPreferredProtocolVersion(ProtocolVersion.RESP2);
        this.reader = Redis.createClient(vertx, options);
        this.writer = Redis.createClient(vertx, new RedisOptions(options));
    }

    public RedisSseBus(Vertx vertx, RedisLink link, SseConfig config) {
        this(vertx, link, DEFAULT_MAX_LEN, config.channelHistoryBytes());
    }

    /** The stream's key (tests). */
    public String key() {
        return key;
    }

    @Override
    public void start(Receiver receiver, long windowMs) {
        context.runOnContext(v -> {
            this.receiver = receiver;
            startedAt = System.currentTimeMillis();
            lastSeen = Math.max(0, startedAt - windowMs) + "-0";
            connect();
        });
    }

    @Override
    public Future<Long> publish(String channel, String event, String data) {
        Request add = Request.cmd(Command.XADD).arg(key).arg("MAXLEN").arg("~").arg(maxLen).arg("*").arg("c").arg(channel);
        if (event != null) {
            add.arg("e").arg(event);
        }
        add.arg("d").arg(data).arg("n").arg(node);
        Future<RedisConnection> w = writer();
        return w.compose(c -> c.send(add).onFailure(e -> forget(w, c))).timeout(PUBLISH_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .map(r -> id(r.toString()));
    }

    /** The publishing connection; sends chained on one future go out in the order they were asked. */
    private synchronized Future<RedisConnection> writer() {
        if (writing == null || writing.failed()) {
            Future<RedisConnection> f = writer.connect();
            f.onSuccess(c -> {
                c.exceptionHandler(e -> forget(f, c));
                c.endHandler(v -> forget(f, c));
            });
            writing = f;
        }
        return writing;
    }

    private synchronized void forget(Future<RedisConnection> f, RedisConnection c) {
        if (writing == f) {
            writing = null;
        }
        c.close();
    }

    @Override
    public Future<Void> close() {
        Promise<Void> done = Promise.promise();
        closed = true;
        context.runOnContext(v -> {
            RedisConnection r = reading;
            reading = null;
            Future<RedisConnection> w;
            synchronized (this) {
                w = writing;
                writing = null;
            }
            Future<Void> a = r == null ? Future.succeededFuture() : r.close();
            Future<Void> b = w == null || w.failed() ? Future.succeededFuture() : w.compose(RedisConnection::close);
            Future.join(a, b).eventually(() -> reader.close().eventually(writer::close)).onComplete(ar -> done.complete());
        });
        return done.future();
    }

    private void connect() {
        if (closed) {
            return;
        }
        reader.connect().onComplete(ar -> {
            if (closed) {
                if (ar.succeeded()) {
                    ar.result().close();
                }
                return;
            }
            if (ar.failed()) {
                BAD.info("sse-redis-down", "cluster: cannot reach Redis for {} ({}); retrying", where, ar.cause().getMessage());
                retry();
                return;
            }
            RedisConnection c = ar.result();
            reading = c;
            c.exceptionHandler(e -> dropped(c, e));
            c.endHandler(v -> dropped(c, new IllegalStateException("connection closed")));
            Future<Void> checked = resumed && seenAny ? continuity(c) : Future.succeededFuture();
            checked.onSuccess(v -> {
                if (resumed) {
                    LOG.info("cluster: reading SSE events from {} again, after {}", where, lastSeen);
                }
                backoffMs = 200;
                read(c);
            }).onFailure(e -> dropped(c, e));
        });
    }

    /** After a reconnection: is the last entry read still there? If not, what came after it may be gone too. */
    private Future<Void> continuity(RedisConnection c) {
        return c.send(Request.cmd(Command.XRANGE).arg(key).arg(lastSeen).arg(lastSeen)).map(r -> {
            if (r == null || r.size() == 0) {
                LOG.warn("cluster: SSE entry {} is no longer in {} (trimmed, or Redis restarted empty); events"
                        + " published meanwhile may be lost, clients resuming across it are told of a gap", lastSeen, where);
                receiver.mayHaveLost();
            }
            return null;
        });
    }

    private void read(RedisConnection c) {
        c.send(Request.cmd(Command.XREAD).arg("COUNT").arg(BATCH).arg("BLOCK").arg(BLOCK_MS).arg("STREAMS").arg(key)
                .arg(lastSeen)).onComplete(ar -> {
                    if (c != reading || closed) {
                        return;
                    }
                    if (ar.failed()) {
                        dropped(c, ar.cause());
                        return;
                    }
                    List<Entry> batch = List.of();
                    try {
                        batch = entries(ar.result());
                    } catch (RuntimeException e) { // never end the reader (it would read nothing more)
                        BAD.info("sse-bad-reply", "cluster: an XREAD reply from {} was not understood: {}", where, e.toString());
                    }
                    if (!batch.isEmpty()) {
                        receiver.events(batch);
                    }
                    read(c);
                });
    }

    private void dropped(RedisConnection c, Throwable e) {
        if (c != reading || closed) {
            return;
        }
        reading = null;
        resumed = true;
        LOG.warn("cluster: lost the SSE reader's connection to {} ({}); resuming after {}", where, e.getMessage(), lastSeen);
        c.close();
        retry();
    }

    private void retry() {
        long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        vertx.setTimer(delay, t -> context.runOnContext(v -> connect()));
    }

    /** XREAD's reply, [[key, [[id, [field, value, ...]], ...]]] (RESP2), or a map by key (RESP3); null on timeout. */
    private List<Entry> entries(Response r) {
        List<Entry> out = new ArrayList<>();
        if (r == null || r.size() == 0) {
            return out;
        }
        Response list = r.isMap() ? r.get(key) : r.get(0).get(1);
        if (list == null) {
            return out;
        }
        for (Response e : list) {
            String id = e.get(0).toString(); // Redis makes the ids: always "ms-seq", increasing
            lastSeen = id;
            seenAny = true;
            try {
                out.add(entry(id, e.size() > 1 ? e.get(1) : null));
            } catch (RuntimeException bad) {
                BAD.info("sse-bad-entry", "cluster: dropped SSE entry {} of {}: {}", id, where, bad.getMessage());
            }
        }
        return out;
    }

    private Entry entry(String id, Response fields) {
        if (fields == null || fields.size() % 2 != 0) {
            throw new IllegalArgumentException("fields are not name/value pairs");
        }
        Map<String, byte[]> f = new HashMap<>();
        for (int i = 0; i < fields.size(); i += 2) {
            f.put(fields.get(i).toString(), fields.get(i + 1).toBytes());
        }
        String channel = text(f.get("c"));
        String event = text(f.get("e"));
        byte[] data = f.get("d");
        if (channel == null || !SseChannels.NAME.matcher(channel).matches()) {
            throw new IllegalArgumentException("no valid channel name (c)");
        }
        if (event != null && !EVENT_NAME.matcher(event).matches()) {
            throw new IllegalArgumentException("the event name (e) is not 1 to 64 of A-Z a-z 0-9 _ . : -");
        }
        if (data == null || data.length > maxDataBytes) {
            throw new IllegalArgumentException("no data (d), or more than " + maxDataBytes + " bytes");
        }
        long sseId = id(id);
        long ms = sseId / ID_SCALE;
        return new Entry(sseId, channel, event, new String(data, StandardCharsets.UTF_8), ms, node.equals(text(f.get("n"))),
                ms < startedAt);
    }

    /** "ms-seq" → ms × 10^6 + seq. */
    static long id(String streamId) {
        int dash = streamId.indexOf('-');
        if (dash <= 0) {
            throw new IllegalArgumentException("not a stream id: " + streamId);
        }
        long ms = Long.parseLong(streamId.substring(0, dash));
        long seq = Long.parseLong(streamId.substring(dash + 1));
        if (ms < 0 || ms > Long.MAX_VALUE / ID_SCALE - 1 || seq < 0 || seq >= ID_SCALE) {
            throw new IllegalArgumentException("stream id out of range: " + streamId);
        }
        return ms * ID_SCALE + seq;
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
