package dev.nagare.apps.adminui;

import dev.nagare.auth.Account;
import dev.nagare.auth.Accounts;
import dev.nagare.auth.LoginThrottle;
import dev.nagare.auth.Role;
import dev.nagare.socketio.BroadcastOperator;
import dev.nagare.socketio.ConnectError;
import dev.nagare.socketio.Namespace;
import dev.nagare.socketio.Socket;
import dev.nagare.socketio.SocketIoServer;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of {@code @socket.io/admin-ui} 0.5.1 on its namespace (ADMIN_UI_NOTES): the
 * login, then {@code session}, {@code config}, {@code all_sockets} to each admin socket, and the
 * commands {@code emit}, {@code join}, {@code leave}, {@code _disconnect} (no acks). Always in
 * upstream's development mode, never readonly.
 *
 * <p>Login: instead of upstream's one bcrypt hash in the configuration, Nagare's own accounts with
 * the admin role, their passwords checked by {@link Accounts} and counted by the login throttle as
 * every password login is. A wrong name or password, or an account that is not an admin, is refused
 * with exactly {@code invalid credentials} (the UI matches that text). A login earns a session id,
 * sent as {@code session} right after CONNECT (upstream sends it before CONNECT, where the UI has no
 * listener yet and loses it), with which a reloaded page connects without the password.
 */
final class AdminNamespace {
    private static final Logger LOG = LoggerFactory.getLogger(AdminNamespace.class);
    static final String INVALID_CREDENTIALS = "invalid credentials";
    /** supportedFeatures in upstream's order: development mode, not readonly. */
    static final List<String> FEATURES = List.of("EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE",
            "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS");
    /** all_sockets names at most this many sockets: a list past it helps nobody and costs a large packet. */
    static final int MAX_ALL_SOCKETS = 10_000;
    private static final String NEW_SESSION = "nagare.adminui.session";

    private final SocketIoServer io;
    private final Namespace admin;
    private final Accounts accounts;
    private final LoginThrottle throttle;
    private final AdminSessions sessions;

    AdminNamespace(SocketIoServer io, Namespace admin, Accounts accounts, LoginThrottle throttle, AdminSessions sessions) {
        this.io = io;
        this.admin = admin;
        this.accounts = accounts;
        this.throttle = throttle;
        this.sessions = sessions;
    }

    void install() {
        admin.use(this::authenticate);
        admin.onConnection(this::onConnection);
    }

    // ---- authentication ----

    private Future<Void> authenticate(Socket socket) {
        Map<String, Object> auth = socket.auth();
        long now = System.currentTimeMillis();
        if (auth.get("sessionId") instanceof String id && !id.isEmpty()) {
            String username = sessions.username(id, now);
            if (username != null) {
                // The account as it is now: deleted or demoted since, the id no longer opens the UI.
                return accounts.find(username).compose(a -> a.filter(acc -> acc.role() == Role.ADMIN).isPresent()
                        ? admitted(socket, null) : refused(() -> sessions.forget(username)));
            }
        }
        if (!(auth.get("username") instanceof String username) || !(auth.get("password") instanceof String password)) {
            return Future.failedFuture(new ConnectError(INVALID_CREDENTIALS));
        }
        LoginThrottle.Attempt attempt = throttle.begin(socket.handshake().remoteAddress(), username, false, now);
        if (!attempt.allowed()) {
            long seconds = Math.max(1, (attempt.retryAfterMillis() + 999) / 1000);
            return Future.failedFuture(new ConnectError("too many login attempts: try again in " + seconds + " s"));
        }
        return accounts.authenticate(username, password).compose((Optional<Account> account) -> {
            if (account.isEmpty()) {
                attempt.failed();
                return Future.failedFuture(new ConnectError(INVALID_CREDENTIALS));
            }
            attempt.succeeded(System.currentTimeMillis());
            if (account.get().role() != Role.ADMIN) {
                LOG.info("admin UI: {} is not an admin; refused", account.get().username());
                return Future.failedFuture(new ConnectError(INVALID_CREDENTIALS));
            }
            return admitted(socket, account.get().username());
        });
    }

    /** Lets the socket in; a password login ({@code username} not null) gets a session id after CONNECT. */
    private static Future<Void> admitted(Socket socket, String username) {
        if (username != null) {
            socket.data().put(NEW_SESSION, username); // thread-safe; the middleware may finish on a worker
        }
        return Future.succeededFuture();
    }

    private Future<Void> refused(Runnable forget) {
        io.engine().context().runOnContext(v -> forget.run());
        return Future.failedFuture(new ConnectError(INVALID_CREDENTIALS));
    }

    // ---- connection ----

    private void onConnection(Socket socket) {
        if (socket.data().remove(NEW_SESSION) instanceof String username) {
            socket.emit("session", sessions.create(username, System.currentTimeMillis()));
        }
        socket.emit("config", Map.of("supportedFeatures", FEATURES));
        allSockets().onSuccess(list -> socket.emit("all_sockets", list))
                .onFailure(e -> LOG.warn("admin UI: could not list the sockets: {}", e.toString()));
        socket.on("emit", (args, ack) -> command("emit", args));
        socket.on("join", (args, ack) -> command("join", args));
        socket.on("leave", (args, ack) -> command("leave", args));
        socket.on("_disconnect", (args, ack) -> command("_disconnect", args));
    }

    /** Every namespace's sockets, cluster-wide through fetchSockets, at most {@link #MAX_ALL_SOCKETS}. */
    private Future<List<Map<String, Object>>> allSockets() {
        List<Future<List<Map<String, Object>>>> each = new ArrayList<>();
        for (Namespace ns : io.namespaces().values()) {
            each.add(ns.fetchSockets().map(list -> {
                List<Map<String, Object>> out = new ArrayList<>(list.size());
                for (Map<String, Object> described : list) {
                    out.add(AdminMonitor.serialize(described, ns.name(), null, null));
                }
                return out;
            }));
        }
        return Future.join(each).map(all -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Future<List<Map<String, Object>>> f : each) {
                if (f.succeeded()) {
                    for (Map<String, Object> s : f.result()) {
                        if (out.size() < MAX_ALL_SOCKETS) {
                            out.add(s);
                        }
                    }
                }
            }
            return out;
        });
    }

    // ---- commands (upstream lib/index.ts, registerListeners) ----

    private void command(String name, List<Object> args) {
        if (args.isEmpty() || !(args.get(0) instanceof String nsp)) {
            return;
        }
        Namespace ns = io.namespaces().get(nsp); // never io.of(): a command must not create a namespace
        if (ns == null) {
            return;
        }
        try {
            switch (name) {
                case "emit" -> {
                    // emit(nsp, filter?, event, ...args): the 0.5.1 UI never sends it.
                    if (args.size() < 3 || !(args.get(2) instanceof String event)) {
                        return;
                    }
                    BroadcastOperator target = args.get(1) instanceof String filter ? ns.to(filter) : ns.to();
                    target.emit(event, args.subList(3, args.size()).toArray());
                }
                case "join", "leave" -> {
                    if (args.size() < 2 || !(args.get(1) instanceof String room)) {
                        return;
                    }
                    BroadcastOperator target = args.size() > 2 && args.get(2) instanceof String filter ? ns.in(filter) : ns.in();
                    if (name.equals("join")) {
                        target.socketsJoin(room);
                    } else {
                        target.socketsLeave(room);
                    }
                }
                default -> { // _disconnect(nsp, close, filter?)
                    boolean close = args.size() > 1 && Boolean.TRUE.equals(args.get(1));
                    BroadcastOperator target = args.size() > 2 && args.get(2) instanceof String filter ? ns.in(filter) : ns.in();
                    target.disconnectSockets(close);
                }
            }
            LOG.info("admin UI: {} {}", name, args.size() > 3 ? args.subList(0, 3) : args);
        } catch (IllegalArgumentException e) { // a reserved event name
            LOG.info("admin UI: {} refused: {}", name, e.getMessage());
        }
    }
}
