package dev.nagare.adapter;

import dev.nagare.wire.SocketPacket;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How an adapter reaches the sockets of this node: the namespace implements it and hands it to the
 * adapter at wiring time. The adapter never sees sockets, only ids; every call comes in on the
 * namespace's event loop. Single-node and clustered delivery take this same one-way path.
 */
public interface AdapterHandler {
    /** Writes {@code packet} to the local sockets {@code socketIds} (encode once, write many). */
    void deliver(SocketPacket packet, BroadcastOptions opts, Collection<String> socketIds);

    /**
     * Emits {@code packet} with an ack id to each local socket of {@code socketIds}; {@code onAck} gets
     * each client's first ack argument when it answers within {@code timeoutMs}. Returns how many
     * sockets it was sent to.
     */
    int deliverWithAck(SocketPacket packet, Collection<String> socketIds, long timeoutMs, Consumer<Object> onAck);

    /**
     * An event another node sent with serverSideEmit; {@code ack} is null unless that node waits for
     * an answer, and then takes this node's one answer.
     */
    void serverSideEvent(List<Object> eventAndArgs, Consumer<Object> ack);

    void join(Collection<String> socketIds, Set<String> rooms);

    void leave(Collection<String> socketIds, Set<String> rooms);

    void disconnect(Collection<String> socketIds, boolean close);

    /** Facts about local sockets, for fetchSockets: id, rooms, handshake data. */
    List<Map<String, Object>> describe(Collection<String> socketIds);

    /** The name of the namespace whose sockets this handler reaches ("/", "/chat"). */
    String namespace();

    /**
     * Runs {@code action} on the thread that owns the namespace's sockets: what other nodes send
     * arrives on another thread and goes through here first.
     */
    void execute(Runnable action);
}
