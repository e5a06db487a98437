package dev.nagare.apps.feed;

import dev.nagare.adapter.RedisLink;
import dev.nagare.api.AuditLog;
import dev.nagare.auth.ClientAddress;
import dev.nagare.auth.http.HttpGuard;
import dev.nagare.socketio.ConnectMiddleware;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.sse.SseChannels;
import dev.nagare.store.Store;
import dev.nagare.web.AppPage;
import dev.nagare.web.ServerModule;
import dev.nagare.web.StaticAssets;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.List;

/** The data feeds ({@code /feeds}, {@code /api/feeds}, {@code /sse/feed:<name>}, the dashboard) as a module. */
public final class FeedModule implements ServerModule {
    private final dev.nagare.auth.RateSharing rates;
    public static final String NAME = "feed";

    private final SocketIoServer io;
    private final ConnectMiddleware auth;
    private final FeedHub hub;
    private final List<FeedSpec> feeds;
    private final HttpGuard http;
    private final AuditLog audit;
    private final ClientAddress addresses;

    /** {@code cluster}: the node's link to the cluster's Redis, or null on a single node. */
    public FeedModule(Context home, SocketIoServer io, ConnectMiddleware auth, SseChannels sse, Store store,
            FeedConfig config, List<FeedSpec> feeds, HttpGuard http, RedisLink cluster,
            dev.nagare.auth.RateSharing rates, AuditLog audit, ClientAddress addresses) {
        this.rates = rates;
        this.audit = audit;
        this.addresses = addresses;
        this.io = io;
        this.auth = auth;
        this.hub = new FeedHub(home, sse, store, config, cluster == null ? SourceLeases.SINGLE_NODE
                : new RedisSourceLeases(home.owner(), cluster));
        this.feeds = feeds;
        this.http = http;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Future<Void> start() {
        FeedApp.install(io, auth, hub).share(rates);
        return hub.start(feeds);
    }

    @Override
    public List<AppPage> pages() {
        return List.of(new AppPage("/dashboard", "Dashboard", true));
    }

    @Override
    public void mount(Router router, StaticAssets assets) {
        new FeedRoutes(hub, http, rates, audit, addresses).mount(router, assets);
    }

    @Override
    public Future<Void> stop() {
        return hub.close();
    }

    public FeedHub hub() {
        return hub;
    }
}
