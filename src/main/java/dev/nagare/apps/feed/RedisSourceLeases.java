package dev.nagare.apps.feed;

import dev.nagare.adapter.RedisLink;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feed source leases in Redis: key {@code <cluster key>:feed-source:<feed>} holds the running node's
 * id for {@link #TTL_MS}. Every {@link #RENEW_MS} a node renews what it holds (only while the key
 * still names it) and tries {@code SET NX} for the rest, so when the holder dies another node takes
 * over within the TTL, and at once when it stops (it deletes its keys). While Redis cannot be
 * reached nothing changes: a node keeps running what it ran (nothing crosses nodes then anyway).
 * State on the context that created it.
 */
final class RedisSourceLeases implements SourceLeases {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSourceLeases.class);
    static final long TTL_MS = 6_000;
    static final long RENEW_MS = 2_000;
    /** Renew only our own lease: PEXPIRE when the key still names this node. */
    private static final String RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then"
            + " return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    private static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then"
            + " return redis.call('del', KEYS[1]) else return 0 end";

    private static final class Lease {
        final Consumer<Boolean> run;
        boolean held;

        Lease(Consumer<Boolean> run) {
            this.run = run;
        }
    }

    private final RedisLink link;
    private final Context context;
    private final String prefix;
    private final String node = UUID.randomUUID().toString();
    private final Map<String, Lease> leases = new LinkedHashMap<>(); // context only
    private final long timer;

    RedisSourceLeases(Vertx vertx, RedisLink link) {
        this.link = link;
        this.context = vertx.getOrCreateContext();
        this.prefix = link.config().key() + ":feed-source:";
        this.timer = vertx.setPeriodic(RENEW_MS, id -> context.runOnContext(v -> leases.forEach(this::tend)));
    }

    @Override
    public void acquire(String feed, Consumer<Boolean> run) {
        context.runOnContext(v -> {
            Lease l = new Lease(run);
            leases.put(feed, l);
            tend(feed, l);
        });
    }

    @Override
    public void release(String feed) {
        context.runOnContext(v -> {
            Lease l = leases.remove(feed);
            if (l != null && l.held) {
                link.send(Request.cmd(Command.EVAL).arg(RELEASE).arg(1).arg(prefix + feed).arg(node));
            }
        });
    }

    /** Renews a held lease, or tries to take a free one. */
    private void tend(String feed, Lease l) {
        Request r = l.held
                ? Request.cmd(Command.EVAL).arg(RENEW).arg(1).arg(prefix + feed).arg(node).arg(TTL_MS)
                : Request.cmd(Command.SET).arg(prefix + feed).arg(node).arg("NX").arg("PX").arg(TTL_MS);
        link.send(r).onComplete(ar -> context.runOnContext(v -> {
            if (ar.failed() || leases.get(feed) != l) {
                return; // Redis unreachable: keep what we have; or the feed went away meanwhile
            }
            boolean now = ar.result() != null && (l.held ? ar.result().toLong() == 1 : "OK".equals(ar.result().toString()));
            if (now != l.held) {
                l.held = now;
                LOG.info("cluster: feed {}'s source {} on this node", feed, now ? "runs" : "no longer runs");
                l.run.accept(now);
            }
        }));
    }

    @Override
    public Future<Void> close() {
        return Future.future(done -> context.runOnContext(v -> {
            context.owner().cancelTimer(timer);
            List<Future<?>> releases = new ArrayList<>();
            leases.forEach((feed, l) -> {
                if (l.held) {
                    releases.add(link.send(Request.cmd(Command.EVAL).arg(RELEASE).arg(1).arg(prefix + feed).arg(node)));
                }
            });
            leases.clear();
            Future.join(releases).onComplete(ar -> done.complete());
        }));
    }
}
