package dev.nagare.apps.feed;

import dev.nagare.auth.Principal;
import dev.nagare.sse.SseChannels;
import dev.nagare.store.Store;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every feed, its source, and where its samples go: the feed's history, the SSE channel
 * {@code feed:<name>} (event "sample"), the store for persistent feeds (batched once a second), and
 * the listeners (the Socket.IO namespace). An administrator may pause a feed: its source stops (on
 * whichever node runs it), publishes are refused, and the pause is stored, so a restart keeps it; the
 * other nodes of a cluster hear of it as event "state" on {@code feed:<name>} (which SSE followers get
 * too). Home context only.
 */
public final class FeedHub {
    private static final Logger LOG = LoggerFactory.getLogger(FeedHub.class);
    private static final dev.nagare.web.RefusalLog REMOTE = new dev.nagare.web.RefusalLog(LOG);
    static final int MAX_FEEDS = 100;
    static final long PERSIST_EVERY_MS = 1000;
    /** Downsampling threads, apart from the shared worker pool so that logins (hashing) never wait behind charts. */
    static final int HISTORY_THREADS = 2;

    /** A user already has as many history requests in progress as they may. */
    static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    /** Told of every accepted sample. */
    interface Listener {
        void sample(Feed feed, FeedSample sample);
    }

    private final Context home;
    private final SseChannels sse;
    private final FeedConfig config;
    private final WorkerExecutor historyWorkers;
    private final Map<String, Integer> historyInFlight = new HashMap<>(); // user -> history requests running
    private final dev.nagare.auth.KeyedRates historyRate;                // user -> history requests started
    private final FeedStore store;
    private final Map<String, Feed> feeds = new LinkedHashMap<>();
    private final Map<String, FeedSource> sources = new LinkedHashMap<>();
    private final java.util.Set<String> held = new java.util.HashSet<>();    // feeds whose source this node may run (its lease)
    private final java.util.Set<String> running = new java.util.HashSet<>(); // feeds whose source runs on this node: held, not paused
    private final java.util.Set<String> pausedAtStart = new java.util.HashSet<>(); // stored pauses not yet applied to a feed
    private final SourceLeases leases;
    private final Map<String, List<FeedSample>> unsaved = new LinkedHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<Feed>> pauseListeners = new CopyOnWriteArrayList<>();
    private boolean saving;
    /** The last pause or resumption being stored: each waits for the one before (pooled connections could reorder them). */
    private Future<Void> storingPause = Future.succeededFuture();
    private final long persistTimer;

    public FeedHub(Context home, SseChannels sse, Store store, FeedConfig config) {
        this(home, sse, store, config, SourceLeases.SINGLE_NODE);
    }

    /** With {@code leases}, a feed's source runs only on the node that holds its lease (a cluster). */
    FeedHub(Context home, SseChannels sse, Store store, FeedConfig config, SourceLeases leases) {
        this.home = home;
        this.leases = leases;
        this.sse = sse;
        this.config = config;
        this.historyRate = new dev.nagare.auth.KeyedRates(config.historyRatePerUser());
        this.store = new FeedStore(store);
        this.historyWorkers = home.owner().createSharedWorkerExecutor("nagare-feed-history", HISTORY_THREADS);
        this.persistTimer = home.owner().setPeriodic(PERSIST_EVERY_MS, id -> home.runOnContext(v -> save()));
        sse.onRemoteEvent("feed:", this::remoteSample);
    }

    /** Adds the configured feeds, then those admins added at run time (the configuration wins a name). */
    public Future<Void> start(List<FeedSpec> configured) {
        return store.paused().compose(paused -> {
            pausedAtStart.addAll(paused); // before any feed is added, so that a paused source never starts
            return store.specs();
        }).compose(stored -> {
            List<FeedSpec> all = new ArrayList<>(configured);
            for (FeedSpec s : stored) {
                if (configured.stream().anyMatch(c -> c.name().equals(s.name()))) {
                    LOG.warn("Feed {} is both configured and stored (added at run time); using the configuration", s.name());
                } else {
                    all.add(s);
                }
            }
            Future<Void> chain = Future.succeededFuture();
            for (FeedSpec spec : all) {
                chain = chain.compose(v -> add(spec).mapEmpty());
            }
            return chain;
        });
    }

    /** An admin's new feed: added now and again after a restart. */
    Future<JsonObject> create(FeedSpec spec) {
        return add(spec).compose(d -> store.remember(spec).map(d));
    }

    /** An admin's removal: also forgotten for later restarts (a configured feed returns with its configuration). */
    boolean delete(String name) {
        boolean removed = remove(name);
        if (removed) {
            store.forget(name);
            store.pause(name, false, null); // a feed added again under this name starts running
        }
        return removed;
    }

    /**
     * An admin's pause ({@code paused}) or resume: stored first, then applied on this node and announced
     * to the others. Completes with the feed's description; fails with {@link NoSuchElementException}
     * for an unknown feed. Pausing a paused feed (or resuming a running one) changes nothing.
     */
    Future<JsonObject> pause(String name, boolean paused, String by) {
        Feed feed = feeds.get(name);
        if (feed == null) {
            return Future.failedFuture(new NoSuchElementException("No feed '" + name + "'."));
        }
        Future<Void> stored = storingPause.transform(ar -> store.pause(name, paused, by));
        storingPause = stored.otherwiseEmpty();
        return stored.map(v -> {
            if (feeds.get(name) == feed && feed.paused != paused) {
                apply(feed, paused);
                sse.publish("feed:" + name, "state", new JsonObject().put("paused", paused).encode())
                        .onFailure(e -> LOG.warn("Feed {}: the other nodes were not told of its {}: {}", name,
                                paused ? "pause" : "resumption", e.toString()));
            }
            return describe(feed);
        });
    }

    /** Pauses or resumes a feed here: its source (if this node runs it) and who follows it. */
    private void apply(Feed feed, boolean paused) {
        if (feed.paused == paused) {
            return;
        }
        feed.paused = paused;
        sync(feed);
        LOG.info("Feed {} {}", feed.name(), paused ? "paused" : "resumed");
        for (java.util.function.Consumer<Feed> l : pauseListeners) {
            l.accept(feed);
        }
    }

    void listen(Listener l) {
        listeners.add(l);
    }

    /** {@code l} hears of every pause and resumption (with the feed, {@link Feed#paused} set). */
    void onPause(java.util.function.Consumer<Feed> l) {
        pauseListeners.add(l);
    }

    /** Creates a feed (and starts its source); a persistent feed first reloads its stored history. */
    public Future<JsonObject> add(FeedSpec spec) {
        if (feeds.containsKey(spec.name())) {
            return Future.failedFuture(new IllegalArgumentException("there is already a feed '" + spec.name() + "'"));
        }
        if (feeds.size() >= MAX_FEEDS) {
            return Future.failedFuture(new IllegalArgumentException("this server holds its maximum of " + MAX_FEEDS + " feeds"));
        }
        Feed feed = new Feed(spec);
        feed.paused = pausedAtStart.remove(spec.name());
        feeds.put(spec.name(), feed);
        sse.open("feed:" + spec.name());
        Future<List<FeedSample>> past = spec.persist() ? store.load(spec.name(), Feed.MAX_AGE_MS, Feed.MAX_SAMPLES)
                : Future.succeededFuture(List.of());
        return past.map(samples -> {
            long now = System.currentTimeMillis();
            samples.forEach(sample -> feed.add(sample, now));
            FeedSource source = switch (spec.type()) {
                case MARKET, IOT -> Simulators.of(spec);
                case HTTP -> new HttpPoller(spec);
                case PUSH -> null;
            };
            if (source != null && feeds.get(spec.name()) == feed) {
                sources.put(spec.name(), source);
                leases.acquire(spec.name(), run -> onHome(() -> runSource(feed, run)));
            }
            LOG.info("Feed {} ({}) ready{}", spec.name(), spec.type().name().toLowerCase(java.util.Locale.ROOT),
                    samples.isEmpty() ? "" : " with " + samples.size() + " stored samples");
            return feed.describe();
        });
    }

    public boolean remove(String name) {
        Feed feed = feeds.remove(name);
        if (feed == null) {
            return false;
        }
        FeedSource source = sources.remove(name);
        if (source != null) {
            leases.release(name);
            held.remove(name);
            if (running.remove(name)) {
                source.stop();
            }
        }
        unsaved.remove(name);
        sse.close("feed:" + name);
        if (feed.spec.persist()) {
            store.drop(name);
        }
        return true;
    }

    /** This node gained or lost the right to run the feed's source. */
    private void runSource(Feed feed, boolean run) {
        if (sources.get(feed.name()) == null || feeds.get(feed.name()) != feed) {
            return;
        }
        if (run) {
            held.add(feed.name());
        } else {
            held.remove(feed.name());
        }
        sync(feed);
    }

    /** Starts or stops the feed's source so that it runs exactly when this node holds it and it is not paused. */
    private void sync(Feed feed) {
        FeedSource source = sources.get(feed.name());
        boolean run = held.contains(feed.name()) && !feed.paused;
        if (source == null || feeds.get(feed.name()) != feed || run == running.contains(feed.name())) {
            return;
        }
        if (run) {
            running.add(feed.name());
            source.start(home, s -> {
                if (running.contains(feed.name())) { // a poll answered after its source stopped is dropped
                    accept(feed, s);
                }
            });
        } else {
            running.remove(feed.name());
            source.stop();
        }
    }

    /** The context all of this lives on. */
    Context home() {
        return home;
    }

    private void onHome(Runnable r) {
        if (io.vertx.core.Vertx.currentContext() == home) {
            r.run();
        } else {
            home.runOnContext(v -> r.run());
        }
    }

    Optional<Feed> feed(String name) {
        return Optional.ofNullable(feeds.get(name));
    }

    /** Accepts checked samples into a feed; returns how many it took (a sample adding a 65th key is refused). */
    int publish(Feed feed, List<FeedSample> samples) {
        int n = 0;
        for (FeedSample s : samples) {
            if (accept(feed, s)) {
                n++;
            }
        }
        return n;
    }

    private boolean accept(Feed feed, FeedSample s) {
        if (feeds.get(feed.name()) != feed || feed.paused || !feed.add(s, System.currentTimeMillis())) {
            return false;
        }
        sse.publish("feed:" + feed.name(), "sample", s.toJson().encode());
        if (feed.spec.persist()) {
            unsaved.computeIfAbsent(feed.name(), k -> new ArrayList<>()).add(s);
        }
        for (Listener l : listeners) {
            l.sample(feed, s);
        }
        return true;
    }

    /**
     * A sample another node of the cluster accepted, read from the cluster's SSE log (event "sample"
     * on {@code feed:<name>}): it joins this node's copy of the feed and goes to this node's
     * followers. The node that accepted it checked and stored it; here it is only parsed again, with
     * a minute of leeway for the nodes' clocks. Home context.
     */
    private void remoteSample(String channel, String event, String data) {
        Feed feed = feeds.get(channel.substring("feed:".length()));
        if (feed != null && "state".equals(event)) { // another node paused or resumed it (and stored that)
            try {
                apply(feed, new JsonObject(data).getBoolean("paused"));
            } catch (RuntimeException e) {
                REMOTE.info("feed-remote-state", "Feed {}: a state from another node was dropped: {}", feed.name(), e.toString());
            }
            return;
        }
        if (feed == null || feed.paused || !"sample".equals(event)) {
            return;
        }
        long now = System.currentTimeMillis();
        FeedSample s;
        try {
            s = FeedSample.parse(new JsonObject(data), now, config.maxSkewMs() + 60_000);
        } catch (RuntimeException e) {
            REMOTE.info("feed-remote-sample", "Feed {}: a sample from another node was dropped: {}", feed.name(), e.getMessage());
            return;
        }
        if (feed.add(s, now)) {
            for (Listener l : listeners) {
                l.sample(feed, s);
            }
        }
    }

    FeedConfig config() {
        return config;
    }

    /**
     * The feed's downsampled history (see {@link Feed#downsample}), computed on a worker from a copy
     * of the history taken here: 50,000 samples took 70-78 ms, which on the event loop delayed every
     * other client (issue 15). At most {@code historyRequestsPerUser} per user run at once; more fail
     * with {@link Busy}. {@code then} also runs on the worker (e.g. encoding the reply). Completes on the
     * home context.
     */
    <T> Future<T> history(Feed feed, long windowMs, int points, String user, Function<JsonObject, T> then) {
        if (!historyRate.tryTake(user)) {
            return Future.failedFuture(new Busy("History requests: " + historyRate.describe("requests")
                    + " per user; retry shortly."));
        }
        int running = historyInFlight.getOrDefault(user, 0);
        if (running >= config.historyRequestsPerUser()) {
            return Future.failedFuture(new Busy("You already have " + running + " history requests in progress (at most "
                    + config.historyRequestsPerUser() + "); wait for them to finish."));
        }
        historyInFlight.put(user, running + 1);
        Feed.HistoryView view = feed.view();
        long now = System.currentTimeMillis();
        return historyWorkers.executeBlocking(() -> then.apply(Feed.downsample(view, windowMs, points, now)), false)
                .andThen(ar -> historyInFlight.computeIfPresent(user, (k, n) -> n <= 1 ? null : n - 1));
    }

    private void save() {
        if (saving || unsaved.isEmpty()) {
            return;
        }
        Map<String, List<FeedSample>> batch = new LinkedHashMap<>(unsaved);
        unsaved.clear();
        saving = true;
        store.append(batch, Feed.MAX_AGE_MS).onComplete(ar -> {
            saving = false;
            if (ar.failed()) {
                LOG.warn("Could not store feed samples ({} feeds): {}", batch.size(), ar.cause().toString());
            }
        });
    }

    /** The feeds {@code p} may follow (join:feed/&lt;name&gt;), each described with its source's status. */
    public List<JsonObject> list(Principal p) {
        List<JsonObject> out = new ArrayList<>();
        for (Feed f : feeds.values()) {
            if (p == null || !p.may("join", "feed/" + f.name())) {
                continue;
            }
            out.add(describe(f));
        }
        return out;
    }

    /** The feed with what its source is doing now ({@code status}) and whether it is {@code paused}. */
    JsonObject describe(Feed f) {
        FeedSource source = sources.get(f.name());
        return f.describe().put("status", f.paused ? "paused" : source == null ? "waiting for published samples"
                : running.contains(f.name()) ? source.status() : "runs on another node of the cluster");
    }

    /** Stops every source and stores what persistent feeds have not stored yet. Callable from any thread. */
    public Future<Void> close() {
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        home.runOnContext(v -> {
            home.owner().cancelTimer(persistTimer);
            historyWorkers.close();
            running.forEach(name -> sources.get(name).stop());
            running.clear();
            held.clear();
            sources.clear();
            Future<Void> released = leases.close(); // another node takes the sources over at once
            if (unsaved.isEmpty()) {
                released.onComplete(ar -> done.complete());
                return;
            }
            Map<String, List<FeedSample>> batch = new LinkedHashMap<>(unsaved);
            unsaved.clear();
            Future.join(released, store.append(batch, Feed.MAX_AGE_MS)).onComplete(ar -> done.complete());
        });
        return done.future();
    }
}
