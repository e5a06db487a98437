package dev.nagare.media;

import dev.nagare.adapter.RedisLink;
import dev.nagare.wire.MediaRelayCodec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams of one kind across nodes over Redis.
 * <ul>
 *   <li>Directory: the hash {@code <key>:media:streams}, field {@code <kind>/<name>}, value
 *       {@code "<until ms> <node> <info JSON>"}, claimed with a script (a field another node holds and
 *       renews cannot be taken: names are unique across the cluster), renewed every {@link #RENEW_MS}
 *       for {@link #TTL_MS} by Redis's clock, and deleted when the stream ends. A node killed without
 *       a word drops out of every list within the TTL. Every node reads the whole hash each
 *       {@link #CHECK_MS} (one small reply), so a node started later sees every stream at once.</li>
 *   <li>Data: the channel {@code <key>:<kind>:<name>}. A watching node subscribes only while it has
 *       viewers, so a frame crosses Redis once per watching node, not once per viewer. The producing
 *       node asks {@code PUBSUB NUMSUB} each second and publishes only while the count is above 0; a
 *       watcher also publishes the name on {@code <key>:<kind>:wake} so the first frame need not wait
 *       for that check.</li>
 *   <li>Bounds: a message over {@code maxPayload} is not sent; while more than {@link #MAX_IN_FLIGHT}
 *       bytes are sent and not yet taken by Redis, further messages are dropped (as a slow viewer
 *       skips frames), so a slow Redis holds a bounded amount of this node's memory.</li>
 * </ul>
 * Subscriptions and publishes use a {@link RedisLink} of their own (its own subscriber and publishing
 * connections): frames must neither wait behind nor delay Socket.IO broadcasts, and a subscriber that
 * Redis cuts off for falling behind on video must not take the node's other subscriptions with it.
 * State on the relay's context ("context only").
 */
public final class RedisMediaRelay implements MediaRelay {
    private static final Logger LOG = LoggerFactory.getLogger(RedisMediaRelay.class);
    static final long TTL_MS = 6_000;
    static final long RENEW_MS = 2_000;
    static final long CHECK_MS = 1_000;
    /** How long a wake keeps a stream relayed before NUMSUB decides (the watcher's SUBSCRIBE may land after its wake). */
    static final long WAKE_GRACE_MS = 3_000;
    static final long MAX_IN_FLIGHT = 4L * 1024 * 1024;

    private static final String NOW = "local t = redis.call('time') local now = tonumber(t[1]) * 1000"
            + " + math.floor(tonumber(t[2]) / 1000) ";
    /** Takes or renews a field unless another node holds it: 1 when this node holds it now, else 0. */
    private static final String CLAIM = NOW + "local v = redis.call('hget', KEYS[1], ARGV[1]) if v then"
            + " local u, n = string.match(v, '^(%d+) (%S+) ') if n ~= ARGV[2] and tonumber(u) > now then return 0 end end"
            + " redis.call('hset', KEYS[1], ARGV[1], string.format('%.0f', now + tonumber(ARGV[3])) .. ' ' .. ARGV[2]"
            + " .. ' ' .. ARGV[4]) return 1";
    private static final String RELEASE = "local v = redis.call('hget', KEYS[1], ARGV[1]) if v and"
            + " string.match(v, '^%d+ (%S+) ') == ARGV[2] then return redis.call('hdel', KEYS[1], ARGV[1]) end return 0";
    /** Every live field and value, flat; expired ones are deleted on the way. */
    private static final String LIST = NOW + "local all = redis.call('hgetall', KEYS[1]) local out = {}"
            + " for i = 1, #all, 2 do local u = tonumber(string.match(all[i + 1], '^(%d+) '))"
            + " if u == nil or u <= now then redis.call('hdel', KEYS[1], all[i])"
            + " else out[#out + 1] = all[i] out[#out + 1] = all[i + 1] end end return out";

    private static final class Shared {
        final JsonObject info;
        final Tap tap;
        boolean relaying;
        long wakeUntil;

        Shared(JsonObject info, Tap tap) {
            this.info = info;
            this.tap = tap;
        }
    }

    private final RedisLink link;
    private final RedisLink media;
    private final Context context;
    private final String kind;
    private final int maxPayload;
    private final String directory;
    private final String channelPrefix;
    private final String wake;
    private final String node = UUID.randomUUID().toString();
    private final Map<String, Shared> shared = new LinkedHashMap<>(); // context only
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Consumer<byte[]> onWake = this::onWake;
    private volatile Map<String, JsonObject> remote = Map.of();
    private long lastRenew; // context only
    private Future<Void> closing; // guarded by this
    private final long timer;

    /**
     * {@code kind} names the streams ("video", "audio"); messages whose payload is over {@code maxPayload}
     * bytes are neither sent nor accepted.
     */
    public RedisMediaRelay(Vertx vertx, RedisLink link, String kind, int maxPayload) {
        this.link = link;
        this.media = new RedisLink(vertx, link.config());
        this.context = vertx.getOrCreateContext();
        this.kind = kind;
        this.maxPayload = maxPayload;
        String key = link.config().key();
        this.directory = key + ":media:streams";
        this.channelPrefix = key + ":" + kind + ":";
        this.wake = key + ":" + kind + ":wake";
        media.subscribe(wake, onWake);
        media.start(10_000).onFailure(e -> LOG.warn("cluster: {} relay not connected yet ({}); retrying", kind,
                e.getMessage()));
        this.timer = vertx.setPeriodic(CHECK_MS, id -> context.runOnContext(v -> check()));
        context.runOnContext(v -> readDirectory());
    }

    private String field(String name) {
        return kind + "/" + name;
    }

    /** The channel a stream's messages travel on. */
    public String channel(String name) {
        return channelPrefix + name;
    }

    @Override
    public Future<Boolean> share(String name, JsonObject info, Tap tap) {
        return Future.future(done -> context.runOnContext(v -> claim(name, info).onComplete(ar -> context.runOnContext(w -> {
            boolean mine = ar.succeeded() && ar.result();
            if (ar.failed()) {
                // Redis away: share it anyway; the renewal claims it once Redis is back.
                LOG.warn("cluster: cannot announce {} stream {} yet: {}", kind, name, ar.cause().getMessage());
                mine = true;
            }
            if (mine) {
                shared.put(name, new Shared(info, tap));
            } else {
                LOG.info("cluster: {} stream {} is another node's; this node's stays local", kind, name);
            }
            done.complete(mine);
        }))));
    }

    private Future<Boolean> claim(String name, JsonObject info) {
        return link.send(Request.cmd(Command.EVAL).arg(CLAIM).arg(1).arg(directory).arg(field(name)).arg(node)
                .arg(TTL_MS).arg(info.encode())).map(r -> r != null && r.toLong() == 1);
    }

    @Override
    public void unshare(String name) {
        context.runOnContext(v -> {
            Shared s = shared.remove(name);
            if (s != null) {
                end(name, s);
            }
        });
    }

    /** Stops relaying, tells watchers the stream ended and drops it from the directory. */
    private Future<?> end(String name, Shared s) {
        if (s.relaying) {
            s.tap.stop();
            s.relaying = false;
        }
        // Out of the directory first, so a watcher that hears the end does not find it listed again.
        return link.send(Request.cmd(Command.EVAL).arg(RELEASE).arg(1).arg(directory).arg(field(name)).arg(node))
                .eventually(() -> media.sendInOrder(Request.cmd(Command.PUBLISH).arg(channel(name))
                        .arg(MediaRelayCodec.end(0, System.currentTimeMillis()))));
    }

    @Override
    public Map<String, JsonObject> remote() {
        return remote;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public Watch watch(String name, Consumer<byte[]> in) {
        String channel = channel(name);
        Consumer<byte[]> handler = in::accept; // its own identity: unsubscribe drops this watch only
        media.subscribe(channel, handler);
        media.sendInOrder(Request.cmd(Command.PUBLISH).arg(wake).arg(name));
        return () -> media.unsubscribe(channel, handler);
    }

    /** Bytes of this node's messages sent and not yet taken by Redis: at most about {@link #MAX_IN_FLIGHT}. */
    public long inFlight() {
        return inFlight.get();
    }

    /** Messages of this node's streams dropped because Redis took them too slowly (or they were too big). */
    public long dropped() {
        return dropped.get();
    }

    private void onWake(byte[] message) {
        String name = new String(message, StandardCharsets.UTF_8);
        context.runOnContext(v -> {
            Shared s = shared.get(name);
            if (s != null) {
                s.wakeUntil = System.currentTimeMillis() + WAKE_GRACE_MS;
                relay(name, s, true);
            }
        });
    }

    private void relay(String name, Shared s, boolean on) {
        if (on == s.relaying) {
            return;
        }
        s.relaying = on;
        if (on) {
            LOG.debug("cluster: relaying {} stream {}", kind, name);
            String channel = channel(name);
            s.tap.start(message -> publish(channel, message));
        } else {
            LOG.debug("cluster: {} stream {} no longer watched elsewhere", kind, name);
            s.tap.stop();
        }
    }

    /** Any thread: one message, unless it is too big or Redis is behind. */
    private void publish(String channel, byte[] message) {
        int size = message.length;
        if (size - MediaRelayCodec.HEADER_BYTES > maxPayload) {
            dropped.incrementAndGet();
            return;
        }
        if (inFlight.addAndGet(size) > MAX_IN_FLIGHT && inFlight.get() > size) {
            inFlight.addAndGet(-size);
            dropped.incrementAndGet();
            return;
        }
        media.sendInOrder(Request.cmd(Command.PUBLISH).arg(channel).arg(message))
                .onComplete(ar -> inFlight.addAndGet(-size));
    }

    /** Each second: who watches what, the renewals, and the directory. */
    private void check() {
        long now = System.currentTimeMillis();
        if (!shared.isEmpty()) {
            List<String> names = new ArrayList<>(shared.keySet());
            Request numsub = Request.cmd(Command.PUBSUB).arg("NUMSUB");
            names.forEach(n -> numsub.arg(channel(n)));
            link.send(numsub).onSuccess(r -> context.runOnContext(v -> watched(r)));
            if (now - lastRenew >= RENEW_MS) {
                lastRenew = now;
                names.forEach(this::renew);
            }
        }
        readDirectory();
    }

    private void watched(Response r) {
        long now = System.currentTimeMillis();
        for (int i = 0; i + 1 < r.size(); i += 2) {
            String channel = r.get(i).toString();
            String name = channel.substring(channelPrefix.length());
            Shared s = shared.get(name);
            if (s != null) {
                relay(name, s, r.get(i + 1).toLong() > 0 || now < s.wakeUntil);
            }
        }
    }

    private void renew(String name) {
        Shared s = shared.get(name);
        claim(name, s.info).onSuccess(mine -> context.runOnContext(v -> {
            if (!mine && shared.remove(name, s)) {
                // Away from Redis longer than the TTL, and another node took the name meanwhile.
                LOG.warn("cluster: another node took the {} stream name {}; this node's stays local", kind, name);
                if (s.relaying) {
                    s.tap.stop();
                }
            }
        }));
    }

    private void readDirectory() {
        link.send(Request.cmd(Command.EVAL).arg(LIST).arg(1).arg(directory)).onSuccess(r -> {
            Map<String, JsonObject> now = new HashMap<>();
            String prefix = kind + "/";
            for (int i = 0; r != null && i + 1 < r.size(); i += 2) {
                String field = r.get(i).toString();
                String[] value = r.get(i + 1).toString().split(" ", 3);
                if (!field.startsWith(prefix) || value.length < 3 || node.equals(value[1])) {
                    continue;
                }
                try {
                    now.put(field.substring(prefix.length()), new JsonObject(value[2]));
                } catch (RuntimeException e) {
                    // another program's entry: not a stream this node can show
                }
            }
            if (!now.equals(remote)) {
                remote = Map.copyOf(now);
                listeners.forEach(Runnable::run);
            }
        });
    }

    @Override
    public synchronized Future<Void> close() {
        if (closing == null) {
            closing = closeNow(); // drain and stop both close: once
        }
        return closing;
    }

    private Future<Void> closeNow() {
        return Future.future(done -> context.runOnContext(v -> {
            context.owner().cancelTimer(timer);
            media.unsubscribe(wake, onWake);
            List<Future<?>> ends = new ArrayList<>();
            shared.forEach((name, s) -> ends.add(end(name, s)));
            shared.clear();
            Future.join(ends).eventually(media::close).onComplete(ar -> done.complete());
        }));
    }
}
