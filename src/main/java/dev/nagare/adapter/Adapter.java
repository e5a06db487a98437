package dev.nagare.adapter;

import dev.nagare.wire.SocketPacket;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The seam every emit goes through: room membership and broadcast delivery for one namespace.
 * {@link MemoryAdapter} serves one node; a clustered adapter also forwards to other nodes and
 * delivers what they send through the same {@link AdapterHandler}. Called on the namespace's event
 * loop only.
 */
public interface Adapter {
    void addAll(String socketId, Set<String> rooms);

    void del(String socketId, String room);

    void delAll(String socketId);

    /** Delivers {@code packet} to every socket {@code opts} selects, on every node unless local. */
    void broadcast(SocketPacket packet, BroadcastOptions opts);

    /**
     * Delivers {@code packet} with an ack id to every socket {@code opts} selects, on every node unless
     * local, and gathers each client's first ack argument: complete once every client answered, or
     * failed with {@link ResponsesTimeout} after {@code timeoutMs} (socket.io's
     * {@code io.timeout(ms).emitWithAck}).
     */
    Future<List<Object>> broadcastWithAck(SocketPacket packet, BroadcastOptions opts, long timeoutMs);

    /** Sends {@code eventAndArgs} to the server-side listeners of the other nodes (not this one's). */
    default void serverSideEmit(List<Object> eventAndArgs) {
    }

    /**
     * As {@link #serverSideEmit}, gathering each other node's ack: failed with {@link ResponsesTimeout}
     * when some node did not answer in {@code timeoutMs}. A single node has nobody to ask.
     */
    default Future<List<Object>> serverSideEmitWithAck(List<Object> eventAndArgs, long timeoutMs) {
        return Future.succeededFuture(List.of());
    }

    /** Ids of the sockets in any of {@code rooms} (all when empty), on every node. */
    Future<Set<String>> sockets(Set<String> rooms);

    /** Rooms with at least one member on this node. */
    Set<String> rooms();

    /** Local members of {@code room}. */
    Set<String> members(String room);

    void addSockets(BroadcastOptions opts, Set<String> rooms);

    void delSockets(BroadcastOptions opts, Set<String> rooms);

    void disconnectSockets(BroadcastOptions opts, boolean close);

    Future<List<Map<String, Object>>> fetchSockets(BroadcastOptions opts);

    /**
     * Keeps a dropped socket's state for connection state recovery (no-op when recovery is off).
     */
    void persistSession(SessionState state);

    /**
     * The state a recoverable socket would get back, now (it connected, or its rooms changed): an
     * adapter that recovers across nodes keeps it where another node finds it should this node die
     * without a word. {@code disconnectedAt} is 0.
     */
    default void sessionChanged(SessionState live) {
    }

    /** A recoverable socket ended for good (a reason recovery does not cover): nothing to keep. */
    default void sessionEnded(String pid) {
    }

    /**
     * The state kept for {@code pid} with the packets broadcast after {@code offset} that it
     * would have received, or null when it expired, is unknown, or the offset is no longer held.
     * A restored session is forgotten (it can be restored once).
     */
    Future<SessionState> restoreSession(String pid, String offset);

    /**
     * The packets kept after {@code offset} that a socket in {@code rooms} would have received:
     * what a recovering socket missed between {@link #restoreSession} and joining its rooms again
     * (connect middleware runs in between and may take a while). Called on the event loop right
     * after the socket rejoined; an adapter must answer it at once (from what it holds locally),
     * so that no broadcast can fall between the two. Adapters without recovery need not override it.
     */
    default List<List<Object>> keptAfter(String offset, Set<String> rooms) {
        return List.of();
    }

    /**
     * Forgets kept states that {@code which} selects, so they are never restored (a login that ended).
     * Adapters that keep no state need not override it.
     */
    default void dropSessions(java.util.function.Predicate<SessionState> which) {
    }

    void close();
}
