package dev.nagare.apps.chat;

import dev.nagare.auth.RateSharing;
import dev.nagare.auth.http.HttpGuard;
import dev.nagare.socketio.ConnectMiddleware;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.hooks.ProxyHooks;
import dev.nagare.store.Store;
import dev.nagare.web.ServerModule;
import dev.nagare.web.StaticAssets;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/** The chat ({@code /chat}, the guide's protocol on the default namespace, the chat pages) as a module. */
public final class ChatModule implements ServerModule {
    private final RateSharing rates;
    private final ProxyHooks hooks;
    public static final String NAME = "chat";

    private final SocketIoServer io;
    private final ConnectMiddleware auth;
    private final Store store;
    private final ChatConfig config;
    private final HttpGuard http;
    private final boolean guests;
    private volatile ChatApp app;

    public ChatModule(SocketIoServer io, ConnectMiddleware auth, Store store, ChatConfig config, HttpGuard http,
            boolean guests, RateSharing rates, ProxyHooks hooks) {
        this.rates = rates;
        this.hooks = hooks;
        this.io = io;
        this.auth = auth;
        this.store = store;
        this.config = config;
        this.http = http;
        this.guests = guests;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Future<Void> start() {
        return ChatApp.install(io, auth, store, config, rates, hooks).map(installed -> {
            app = installed;
            return null;
        });
    }

    @Override
    public void mount(Router router, StaticAssets assets) {
        new ChatRoutes(http, guests).mount(router, assets);
    }

    /** The running chat (after {@link #start}). */
    public ChatApp app() {
        return app;
    }
}
