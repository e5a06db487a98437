package dev.nagare.apps.game;

import dev.nagare.socketio.Namespace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets of other nodes seated in this node's matches, by "node socket": what their nodes relay
 * (joins, inputs, resyncs, leaves) is applied as for this node's own sockets, by the same rules and
 * limits, and what they are told goes to the socket's own room, which the adapter carries to its node.
 * Home context only.
 */
final class RemoteSeats implements GameCluster.Owner {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteSeats.class);

    private final Matches matches;
    private final Namespace ns;
    private final Map<String, Seat> seats = new HashMap<>();

    RemoteSeats(Matches matches, Namespace ns) {
        this.matches = matches;
        this.ns = ns;
    }

    void clear() {
        seats.clear();
    }

    @Override
    public Map<String, Object> remoteJoin(String from, String socket, String match, String user, boolean spectate) {
        Match m = matches.get(match);
        if (m == null) {
            return null; // not ours (every node is asked); the asker says "not_found" if nobody has it
        }
        String event = spectate ? "spectate" : "join";
        Seat before = seats.get(from + " " + socket);
        if (before != null) {
            remoteLeave(from, socket, before.match.name, false); // its node moved it without a word
        }
        Seat seat = new Seat();
        seat.match = m;
        if (spectate) {
            seat.spectating = true;
            m.spectators++;
        } else {
            seat.player = matches.seat(m, user);
            if (seat.player == null) {
                LOG.info("game join from {} (node {}) refused: full ({})", user, from, matches.full(m));
                return GameApp.refusal(event, "full", matches.full(m));
            }
        }
        seats.put(from + " " + socket, seat);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.putAll(matches.joined(m, seat.player));
        return out;
    }

    @Override
    public void remoteInput(String from, String socket, Object s, Object x, Object y) {
        Seat seat = seats.get(from + " " + socket);
        if (seat == null || seat.player == null) {
            return;
        }
        String refused = seat.match.input(seat.player, s, x, y);
        if (refused != null) {
            GameApp.refusedInput(seat.player.user, seat.player.dropped, refused, body -> ns.to(socket).emit("nagare:error", body));
        }
    }

    @Override
    public void remoteResync(String from, String socket) {
        Seat seat = seats.get(from + " " + socket);
        if (seat != null) {
            ns.to(socket).emit("s", seat.match.keyframe());
        }
    }

    @Override
    public void remoteLeave(String from, String socket, String match, boolean away) {
        String key = from + " " + socket;
        Seat seat = seats.get(key);
        if (seat == null || !seat.match.name.equals(match)) {
            return;
        }
        seats.remove(key);
        if (seat.player != null) {
            if (away) {
                seat.player.awaySince = System.nanoTime(); // the slot waits for the grace period
            } else {
                seat.match.remove(seat.player.id);
            }
        }
        if (seat.spectating) {
            seat.match.spectators--;
        }
    }

    @Override
    public void nodeGone(String node) {
        // Its sockets are gone as if they had disconnected: players' slots wait for the grace period.
        for (String key : new ArrayList<>(seats.keySet())) {
            if (key.startsWith(node + " ")) {
                remoteLeave(node, key.substring(node.length() + 1), seats.get(key).match.name, true);
            }
        }
    }
}
