package dev.nagare.apps.chat;

import dev.nagare.auth.RateSharing;
import dev.nagare.socketio.ConnectMiddleware;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.hooks.ProxyHooks;
import dev.nagare.store.Store;
import dev.nagare.web.AppPage;
import dev.nagare.web.ServerModule;
import dev.nagare.web.StaticAssets;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.List;

/** The chat ({@code /chat}, the guide's protocol on the default namespace, the chat pages) as a module. */
public final class ChatModule implements ServerModule {
    private final RateSharing rates;
    private final ProxyHooks hooks;
    public static final String NAME = "chat";

    private final SocketIoServer io;
    private final ConnectMiddleware auth;
    private final Store store;
    private final ChatConfig config;
    private volatile ChatApp app;

    public ChatModule(SocketIoServer io, ConnectMiddleware auth, Store store, ChatConfig config, RateSharing rates,
            ProxyHooks hooks) {
        this.rates = rates;
        this.hooks = hooks;
        this.io = io;
        this.auth = auth;
        this.store = store;
        this.config = config;
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
    public List<AppPage> pages() {
        return List.of(new AppPage("/chat", "Chat", true), new AppPage("/seed/chat", "Guide chat", true));
    }

    @Override
    public void mount(Router router, StaticAssets assets) {
        new ChatRoutes().mount(router, assets);
    }

    /** The running chat (after {@link #start}). */
    public ChatApp app() {
        return app;
    }
}
