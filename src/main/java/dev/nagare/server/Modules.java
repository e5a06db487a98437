package dev.nagare.server;

import dev.nagare.auth.RateSharing;
import dev.nagare.adapter.RedisLink;
import dev.nagare.apps.adminui.AdminUiModule;
import dev.nagare.apps.chat.ChatModule;
import dev.nagare.api.AuditLog;
import dev.nagare.auth.Accounts;
import dev.nagare.auth.ClientAddress;
import dev.nagare.auth.LoginThrottle;
import dev.nagare.hooks.ProxyHooks;
import dev.nagare.apps.feed.FeedModule;
import dev.nagare.apps.game.GameModule;
import dev.nagare.auth.http.HttpGuard;
import dev.nagare.auth.socketio.SocketIoGuard;
import dev.nagare.media.MediaRelay;
import dev.nagare.media.RedisMediaRelay;
import dev.nagare.media.audio.AudioModule;
import dev.nagare.media.video.VideoModule;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.sse.SseChannels;
import dev.nagare.sse.SseModule;
import dev.nagare.store.Store;
import dev.nagare.web.ServerModule;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Every module the server can run, in the order they start and mount: adding one is one line here
 * (its name, the store components it needs, how to build it from the server's core). {@code --apps}
 * chooses among them ({@link ServerConfig#apps()}).
 */
public final class Modules {

    /** What the core hands a module when it builds it. */
    record Core(Vertx vertx, Context home, ServerConfig config, Store store, SocketIoServer io, HttpGuard http,
            SocketIoGuard sockets, SseChannels sse, RedisLink cluster, RateSharing rates, Accounts accounts,
            LoginThrottle logins, ProxyHooks hooks, AuditLog audit) {
    }

    /** A module kind: its name, the store components it needs, and how to build it. */
    record Kind(String name, List<String> storeComponents, Function<Core, ServerModule> build) {
    }

    private static final List<Kind> ALL = List.of(
            new Kind(ChatModule.NAME, List.of("chat"), c -> new ChatModule(c.io(), c.sockets().connect(), c.store(),
                    c.config().chat(), c.rates(), c.hooks())),
            new Kind(FeedModule.NAME, List.of("feed"), c -> new FeedModule(c.home(), c.io(), c.sockets().connect(),
                    c.sse(), c.store(), c.config().feedLimits(), c.config().feeds(), c.http(), c.cluster(), c.rates(),
                    c.audit(), new ClientAddress(c.config().trustedProxies()))),
            new Kind(GameModule.NAME, List.of(), c -> new GameModule(c.io(), c.sockets().connect(), c.config().game(),
                    c.home(), c.http(), c.cluster() != null)),
            new Kind(VideoModule.NAME, List.of(), c -> new VideoModule(c.vertx(), c.http(),
                    c.config().videoStallTimeout(), c.config().video(),
                    relay(c, VideoModule.NAME, VideoModule.MAX_FRAME_BYTES))),
            new Kind(AudioModule.NAME, List.of(), c -> new AudioModule(c.vertx(), c.http(), c.config().toneHz(),
                    c.config().opusBitrate(), c.config().audioEncoders(), c.config().audioFfmpeg(), c.config().audioMic(),
                    relay(c, AudioModule.NAME, AudioModule.MAX_CHUNK_BYTES))),
            new Kind(SseModule.NAME, List.of(), c -> new SseModule(c.sse(), c.http(), c.config().guests(), c.rates())));

    /**
     * The official Socket.IO Admin UI: not among {@code --apps} (so never on by default, as it shows
     * every socket and lets an admin disconnect them) but turned on by {@code --admin-ui}.
     */
    static final Kind ADMIN_UI = new Kind(AdminUiModule.NAME, List.of(), c -> new AdminUiModule(c.vertx(), c.home(),
            c.io(), c.accounts(), c.logins(), c.cluster() != null));

    /** The store components the core needs whatever the modules. */
    static final List<String> CORE_COMPONENTS = List.of("instance", "auth");

    private Modules() {
    }

    /** How a media module's streams cross nodes: nothing on one node. */
    private static MediaRelay relay(Core c, String kind, int maxPayload) {
        return c.cluster() == null ? MediaRelay.SINGLE_NODE : new RedisMediaRelay(c.vertx(), c.cluster(), kind, maxPayload);
    }

    /** Every module name, in start order. */
    public static List<String> names() {
        return ALL.stream().map(Kind::name).toList();
    }

    /** The kinds {@code config} chooses: those {@code apps} names (null: none), in start order, then the Admin UI if asked. */
    static List<Kind> chosen(ServerConfig config) {
        Set<String> names = config.apps();
        List<Kind> out = new ArrayList<>(names == null ? List.of() : ALL.stream().filter(k -> names.contains(k.name())).toList());
        if (config.adminUi()) {
            out.add(ADMIN_UI);
        }
        return List.copyOf(out);
    }

    /** The store components the core and {@code kinds} need, in migration order. */
    static List<String> storeComponents(List<Kind> kinds) {
        List<String> out = new ArrayList<>(CORE_COMPONENTS);
        kinds.forEach(k -> k.storeComponents().stream().filter(c -> !out.contains(c)).forEach(out::add));
        return out;
    }
}
