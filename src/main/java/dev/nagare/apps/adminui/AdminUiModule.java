package dev.nagare.apps.adminui;

import dev.nagare.auth.Accounts;
import dev.nagare.auth.LoginThrottle;
import dev.nagare.socketio.Namespace;
import dev.nagare.socketio.Observer;
import dev.nagare.socketio.Socket;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.web.ServerModule;
import dev.nagare.web.StaticAssets;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The official Socket.IO Admin UI ({@code --admin-ui}): its page at {@code /admin-ui/}
 * ({@link AdminUiRoutes}) and its protocol on the namespace {@code /admin} ({@link AdminNamespace},
 * {@link AdminMonitor}), so the UI shows Nagare's servers, sockets, rooms and events as it does a
 * Node server's. {@code server_stats} goes to the admin namespace at once and every 2 s.
 */
public final class AdminUiModule implements ServerModule {
    public static final String NAME = "admin-ui";
    public static final String NAMESPACE = "/admin";
    static final long STATS_INTERVAL_MS = 2000;
    /** Session ids kept at once, and for how long (upstream's Redis store keeps them a day). */
    static final int MAX_SESSIONS = 1000;
    static final long SESSION_TTL_MS = 24 * 3600 * 1000L;

    private static final java.util.concurrent.atomic.AtomicInteger INSTANCES = new java.util.concurrent.atomic.AtomicInteger();
    private final Vertx vertx;
    private final Context home;
    private final SocketIoServer io;
    private final Accounts accounts;
    private final LoginThrottle throttle;
    private final boolean clustered;
    private final AdminUiRoutes routes;
    private final String hostname = hostname();
    private final long pid = ProcessHandle.current().pid();
    private final String serverId;
    private Namespace admin;
    private AdminMonitor monitor;
    private long timer = -1;

    public AdminUiModule(Vertx vertx, Context home, SocketIoServer io, Accounts accounts, LoginThrottle throttle,
            boolean clustered) {
        this.vertx = vertx;
        this.home = home;
        this.io = io;
        this.accounts = accounts;
        this.throttle = throttle;
        this.clustered = clustered;
        this.routes = new AdminUiRoutes(vertx);
        // The UI keys servers by serverId: nodes of a cluster on one host must differ, as upstream's
        // "hostname#pid" for a Node cluster worker; a second node in the same JVM adds its number.
        int n = INSTANCES.incrementAndGet();
        this.serverId = clustered ? hostname + "#" + pid + (n > 1 ? "-" + n : "") : hostname;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Future<Void> start() {
        return routes.load().compose(v -> {
            Promise<Void> done = Promise.promise();
            home.runOnContext(x -> {
                admin = io.of(NAMESPACE);
                monitor = new AdminMonitor(admin, () -> clustered);
                io.observe(monitor);
                new AdminNamespace(io, admin, accounts, throttle, new AdminSessions(MAX_SESSIONS, SESSION_TTL_MS)).install();
                sendStats();
                timer = vertx.setPeriodic(STATS_INTERVAL_MS, t -> home.runOnContext(y -> sendStats()));
                done.complete();
            });
            return done.future();
        });
    }

    @Override
    public void mount(Router router, StaticAssets assets) {
        routes.mount(router, assets);
    }

    @Override
    public Future<Void> stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        io.observe(Observer.NONE);
        return Future.succeededFuture();
    }

    /** Upstream's ServerStats; also checks local sockets for an upgraded transport (socket_updated). Event loop. */
    private void sendStats() {
        List<Map<String, Object>> aggregated = monitor.takeAggregated();
        boolean watched = admin.size() > 0 || clustered;
        if (!watched) {
            return;
        }
        Map<String, Integer> byTransport = io.engine().sessionsByTransport();
        List<Map<String, Object>> namespaces = new ArrayList<>();
        for (Namespace ns : io.namespaces().values()) {
            namespaces.add(Map.of("name", ns.name(), "socketsCount", ns.size()));
            ns.sockets().onSuccess(sockets -> sockets.values().forEach(this::checkTransport));
        }
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("serverId", serverId);
        stats.put("hostname", hostname);
        stats.put("pid", pid);
        stats.put("uptime", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
        stats.put("clientsCount", byTransport.values().stream().mapToInt(Integer::intValue).sum());
        stats.put("pollingClientsCount", byTransport.getOrDefault("polling", 0));
        stats.put("aggregatedEvents", aggregated);
        stats.put("namespaces", namespaces);
        admin.emit("server_stats", stats);
    }

    private void checkTransport(Socket socket) {
        monitor.checkTransport(socket);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
