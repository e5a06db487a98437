package dev.nagare.auth.socketio;

import dev.nagare.auth.Principal;
import dev.nagare.auth.Revocations;
import dev.nagare.socketio.Namespace;
import dev.nagare.socketio.Socket;
import dev.nagare.socketio.SocketIoServer;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the Socket.IO side of a login that ended ({@link Revocations}): in every namespace, each
 * socket admitted with that login gets {@value #EVENT} {@code {"reason": ...}} and is disconnected
 * (a namespace DISCONNECT: the official client does not reconnect by itself), and the connection
 * state kept for recovery of its dropped sockets is forgotten. A socket that drops just before and
 * tries to recover later is refused anyway: {@link SocketIoGuard#connect()} runs again on recovery.
 */
public final class SocketRevoker {
    private static final Logger LOG = LoggerFactory.getLogger(SocketRevoker.class);
    /** The event a socket gets just before it is disconnected because its login ended. */
    public static final String EVENT = "nagare:session-ended";

    private SocketRevoker() {
    }

    /** Wires {@code io} to {@code revocations}: ends sockets, and reports live ones for re-validation. */
    public static void install(SocketIoServer io, Revocations revocations) {
        revocations.listen(r -> end(io, r));
        revocations.liveSource(() -> principals(io));
    }

    private static void end(SocketIoServer io, Revocations.Revocation r) {
        for (Namespace ns : io.namespaces().values()) {
            ns.forgetRecovery(data -> data.get(SocketIoGuard.PRINCIPAL) instanceof Principal p && r.ends(p));
            ns.sockets().onSuccess(sockets -> {
                int ended = 0;
                for (Socket s : sockets.values()) {
                    if (r.ends(SocketIoGuard.principal(s))) {
                        s.emit(EVENT, Map.of("reason", r.reason()));
                        s.disconnect(false);
                        ended++;
                    }
                }
                if (ended > 0) {
                    LOG.info("Ended {} socket(s) of user {} on {} ({})", ended, r.userId(), ns.name(), r.reason());
                }
            });
        }
    }

    private static Future<Collection<Principal>> principals(SocketIoServer io) {
        List<Future<Map<String, Socket>>> all = new ArrayList<>();
        for (Namespace ns : io.namespaces().values()) {
            all.add(ns.sockets());
        }
        return Future.join(all).map(cf -> {
            List<Principal> out = new ArrayList<>();
            for (Future<Map<String, Socket>> f : all) {
                if (f.succeeded()) {
                    for (Socket s : f.result().values()) {
                        Principal p = SocketIoGuard.principal(s);
                        if (p != null && p.credential() != null) {
                            out.add(p);
                        }
                    }
                }
            }
            return out;
        });
    }
}
