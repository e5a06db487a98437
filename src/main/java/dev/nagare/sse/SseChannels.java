package dev.nagare.sse;

import dev.nagare.web.RefusalLog;
import dev.nagare.wire.SseCodec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Every SSE channel, by name, the heartbeat that keeps idle connections open through proxies, and a
 * sweep every second that trims histories by age and removes idle channels. Names are
 * {@code [a-z0-9][a-z0-9:_.-]{0,63}}; feeds use {@code feed:<name>}.
 *
 * <p>Only a publish creates a channel (issue 15: subscribes used to fill the table until restart).
 * A stream on a channel that does not exist yet waits outside the table, at most
 * {@code waitingPerUser} per user, and is attached when the first event is published. Channels apps
 * open ({@link #open}, the feeds') are pinned: never swept and not counted against
 * {@code maxChannels}, so a feed added while users hold every slot still gets its stream. All state
 * lives on the home context; calls from other threads hop there.
 *
 * <p>In a cluster ({@link SseBus}), a publish is checked here (the channel must exist or fit) and
 * appended to the cluster's log; every node, this one included, stores and sends what it reads
 * back, with the log's ids. Events of other nodes may create channels (while they fit); what does
 * not fit is dropped on this node only.
 */
public final class SseChannels {
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9:_.-]{0,63}");
    private static final RefusalLog DROPPED = new RefusalLog(LoggerFactory.getLogger(SseChannels.class));
    static final long HEARTBEAT_MS = 15_000;
    static final long SWEEP_MS = 1_000;

    private final Context home;
    private final SseConfig config;
    private final HistoryBudget budget;
    // home context only, all of them
    private final Map<String, SseChannel> channels = new LinkedHashMap<>();
    private final Set<String> pinned = new HashSet<>();
    private final Map<String, Set<SseSubscriber>> waiting = new HashMap<>();
    private final Map<String, Integer> waitingByOwner = new HashMap<>();
    private final byte[] heartbeat = SseCodec.bytes(SseCodec.comment("heartbeat"));
    private final SseBus bus; // null on a single node
    private final List<Map.Entry<String, RemoteListener>> remoteListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Told of events other nodes published on channels starting with a prefix (home context). */
    public interface RemoteListener {
        void event(String channel, String event, String data);
    }

    public SseChannels(Context home, SseConfig config) {
        this(home, config, null);
    }

    /** With {@code bus}, the channels are the cluster's (see the class comment); null: this node's own. */
    public SseChannels(Context home, SseConfig config, SseBus bus) {
        this.home = home;
        this.config = config;
        this.budget = new HistoryBudget(config.totalHistoryBytes());
        this.bus = bus;
        home.runOnContext(v -> {
            home.owner().setPeriodic(HEARTBEAT_MS, id -> beat());
            home.owner().setPeriodic(SWEEP_MS, id -> sweep(System.currentTimeMillis()));
        });
        if (bus != null) {
            bus.start(new SseBus.Receiver() {
                @Override
                public void events(List<SseBus.Entry> batch) {
                    onHome(() -> received(batch));
                }

                @Override
                public void mayHaveLost() {
                    onHome(() -> channels.values().forEach(SseChannel::broken));
                }
            }, config.historyAge().toMillis());
        }
    }

    /** Whether events come from the cluster's log. */
    public boolean clustered() {
        return bus != null;
    }

    /**
     * Calls {@code l} with the live events other nodes publish on channels whose name starts with
     * {@code prefix} (the feeds mirror other nodes' samples this way); never in a single node.
     */
    public void onRemoteEvent(String prefix, RemoteListener l) {
        remoteListeners.add(Map.entry(prefix, l));
    }

    /** Stops reading the cluster's log. */
    public Future<Void> close() {
        return bus == null ? Future.succeededFuture() : bus.close();
    }

    public SseConfig config() {
        return config;
    }

    /** The channel if it exists. */
    public Optional<SseChannel> existing(String name) {
        return Optional.ofNullable(channels.get(name));
    }

    /** An app's channel (a feed's): created now if needed, pinned until {@link #close}. Any thread. */
    public void open(String name) {
        onHome(() -> {
            pinned.add(name);
            if (!channels.containsKey(name)) {
                create(name);
            }
        });
    }

    /** Removes an app's channel: its streams end (EventSource then finds a 404). Any thread. */
    public void close(String name) {
        onHome(() -> {
            pinned.remove(name);
            SseChannel c = channels.remove(name);
            if (c != null) {
                for (SseSubscriber s : new ArrayList<>(c.subscriberSet())) {
                    s.end();
                }
                c.close();
            }
        });
    }

    /** Publishes from any thread; the event goes out on the home context. Completes with its id (-1: no room for a new channel). */
    public Future<Long> publish(String channel, String event, String data) {
        Promise<Long> id = Promise.promise();
        onHome(() -> forPublish(channel).map(c -> publish(c, event, data)).orElse(Future.succeededFuture(-1L))
                .onComplete(id));
        return id.future();
    }

    /**
     * Publishes to a channel {@link #forPublish} gave (home context): on one node stored and sent at
     * once (the future is complete on return); in a cluster appended to the log, failing when the
     * log cannot be reached.
     */
    Future<Long> publish(SseChannel c, String event, String data) {
        if (bus == null) {
            return Future.succeededFuture(c.publish(event, data, System.currentTimeMillis()).id());
        }
        return bus.publish(c.name(), event, data);
    }

    /** Events read from the cluster's log, in its order. */
    private void received(List<SseBus.Entry> batch) {
        long now = System.currentTimeMillis();
        for (SseBus.Entry e : batch) {
            try {
                receive(e, now);
            } catch (RuntimeException x) { // one event must not cost this node the rest of the batch
                DROPPED.info("sse-cluster-event", "SSE event {} on {} from the cluster failed here: {}", e.id(), e.channel(),
                        x.toString());
            }
        }
    }

    private void receive(SseBus.Entry e, long now) {
        Optional<SseChannel> c = forPublish(e.channel());
        boolean fresh = true;
        if (c.isEmpty()) {
            DROPPED.info("sse-cluster-full", "SSE event {} on {} from the cluster not kept on this node: all {}"
                    + " channels are in use", e.id(), e.channel(), config.maxChannels());
        } else {
            fresh = c.get().append(e.id(), e.event(), e.data(), Math.min(e.ms(), now), now) != null;
        }
        if (fresh && !e.fromHere() && !e.replayed()) {
            for (Map.Entry<String, RemoteListener> l : remoteListeners) {
                if (e.channel().startsWith(l.getKey())) {
                    l.getValue().event(e.channel(), e.event(), e.data());
                }
            }
        }
    }

    /** The channel to publish to, created when there is room: empty when the name is invalid or the table is full. */
    Optional<SseChannel> forPublish(String name) {
        SseChannel c = channels.get(name);
        if (c != null) {
            return Optional.of(c);
        }
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        if (unpinned() >= config.maxChannels()) {
            sweep(System.currentTimeMillis()); // idle channels may have expired since the last sweep
            if (unpinned() >= config.maxChannels()) {
                return Optional.empty();
            }
        }
        return Optional.of(create(name));
    }

    /** Whether {@code owner} may open one more stream on a channel that does not exist yet. */
    boolean mayWait(String owner) {
        return waitingByOwner.getOrDefault(owner, 0) < config.waitingPerUser();
    }

    /** Starts a stream: on its channel when it exists, else waiting for the first publish. */
    void join(SseSubscriber s) {
        SseChannel c = channels.get(s.name());
        if (c != null) {
            s.attach(c);
            c.add(s);
            return;
        }
        waiting.computeIfAbsent(s.name(), k -> new LinkedHashSet<>()).add(s);
        waitingByOwner.merge(s.owner(), 1, Integer::sum);
    }

    /** The stream ended (or was dropped): it no longer holds a place anywhere. Idempotent. */
    void leave(SseSubscriber s) {
        SseChannel c = s.channel();
        if (c != null) {
            c.remove(s);
            return;
        }
        Set<SseSubscriber> w = waiting.get(s.name());
        if (w != null && w.remove(s)) {
            if (w.isEmpty()) {
                waiting.remove(s.name());
            }
            waitingByOwner.computeIfPresent(s.owner(), (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Runs {@code r} on the home context: now when already there, else as soon as it is free. */
    public void onHome(Runnable r) {
        if (Vertx.currentContext() == home) {
            r.run();
        } else {
            home.runOnContext(v -> r.run());
        }
    }

    private SseChannel create(String name) {
        SseChannel c = bus == null ? new SseChannel(name, config, budget, System.currentTimeMillis())
                : SseChannel.clustered(name, config, budget);
        channels.put(name, c);
        Set<SseSubscriber> w = waiting.remove(name);
        if (w != null) {
            for (SseSubscriber s : w) {
                waitingByOwner.computeIfPresent(s.owner(), (k, n) -> n <= 1 ? null : n - 1);
                s.attach(c);
                c.add(s);
            }
        }
        return c;
    }

    private int unpinned() {
        return channels.size() - pinned.size();
    }

    /** Trims every history by age and removes channels nobody follows that have nothing left to resume from. */
    void sweep(long nowMillis) {
        channels.values().removeIf(c -> {
            boolean gone = !pinned.contains(c.name()) && c.idle(nowMillis);
            if (gone) {
                c.close();
            }
            return gone;
        });
        budget.enforce();
    }

    private void beat() {
        for (SseChannel c : channels.values()) {
            for (SseSubscriber s : new ArrayList<>(c.subscriberSet())) {
                s.write(heartbeat);
            }
        }
        for (Set<SseSubscriber> w : new ArrayList<>(waiting.values())) {
            for (SseSubscriber s : new ArrayList<>(w)) {
                s.write(heartbeat);
            }
        }
    }

    /**
     * The channels {@code visible} lets through, with subscribers, last id, events and bytes held, and
     * the totals: {@code retainedBytes} of every history and {@code waiting} streams. For the API.
     */
    public Map<String, Object> describe(Predicate<String> visible) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (SseChannel c : channels.values()) {
            if (visible.test(c.name())) {
                list.add(Map.of("name", c.name(), "subscribers", c.subscribers(), "lastId", c.lastId(),
                        "events", c.events(), "retainedBytes", c.retainedBytes()));
            }
        }
        int waitingStreams = waiting.values().stream().mapToInt(Set::size).sum();
        return Map.of("channels", list, "count", unpinned(), "maxChannels", config.maxChannels(),
                "retainedBytes", budget.bytes(), "maxRetainedBytes", budget.limit(), "waiting", waitingStreams);
    }
}
