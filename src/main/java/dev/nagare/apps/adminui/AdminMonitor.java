package dev.nagare.apps.adminui;

import dev.nagare.engine.TokenBucket;
import dev.nagare.socketio.Namespace;
import dev.nagare.socketio.Observer;
import dev.nagare.socketio.Socket;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Admin UI hears of every namespace, relayed as upstream's {@code instrument()} does in
 * development mode (ADMIN_UI_NOTES, "Events from server to UI"): socket_connected,
 * socket_disconnected, room_joined, room_left, event_received and event_sent (these two not for the
 * admin namespace), each a broadcast to the admin namespace (so across a cluster), and the counters
 * of {@code server_stats}' aggregatedEvents. Engine event loop only.
 *
 * <p>Bounded, unlike upstream: one busy namespace must not flood the admin sockets. Socket and room
 * changes pass at most {@link #SOCKET_EVENTS_PER_SECOND} a second (bursts of twice that); events at
 * most {@link #RELAYED_EVENTS_PER_SECOND}, sent volatile (dropped for an admin socket that cannot
 * take them at once). What is over the rate is dropped, counted and logged with the next stats.
 * Nothing is relayed while nobody watches (no admin socket here, and no cluster whose other nodes'
 * admins could be watching).
 */
final class AdminMonitor implements Observer {
    private static final Logger LOG = LoggerFactory.getLogger(AdminMonitor.class);
    static final int SOCKET_EVENTS_PER_SECOND = 1000;
    static final int RELAYED_EVENTS_PER_SECOND = 200;
    /** Date#toJSON: what a Date argument becomes on the wire with the default parser. */
    static final DateTimeFormatter JS_JSON_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Namespace admin;
    private final BooleanSupplier clustered;
    private final TokenBucket socketEvents = new TokenBucket(SOCKET_EVENTS_PER_SECOND, 2 * SOCKET_EVENTS_PER_SECOND, System.nanoTime());
    private final TokenBucket relayedEvents = new TokenBucket(RELAYED_EVENTS_PER_SECOND, 2 * RELAYED_EVENTS_PER_SECOND, System.nanoTime());
    /** aggregatedEvents since the last server_stats: "second|type|subType" -> count. Few keys: 2 s of 6 types and close reasons. */
    private final Map<String, long[]> aggregated = new LinkedHashMap<>();
    /** This second's packet counters: plain fields, as they are counted once per packet and receiver. */
    private long second;
    private long packetsIn;
    private long bytesIn;
    private long packetsOut;
    private long bytesOut;
    private long droppedSocketEvents;
    private long droppedRelayedEvents;

    AdminMonitor(Namespace admin, BooleanSupplier clustered) {
        this.admin = admin;
        this.clustered = clustered;
    }

    private boolean watched() {
        return admin.size() > 0 || clustered.getAsBoolean();
    }

    static String now() {
        return JS_JSON_DATE.format(java.time.Instant.now());
    }

    // ---- aggregated counters (production and development mode alike) ----

    private void count(long at, String type, String subType, long n) {
        if (n > 0) {
            aggregated.computeIfAbsent(at + "|" + type + "|" + (subType == null ? "" : subType), k -> new long[1])[0] += n;
        }
    }

    /** Moves the packet counters into {@link #aggregated} when the second changed (or always, with {@code force}). */
    private void roll(long now, boolean force) {
        long s = now / 1000 * 1000;
        if (s != second || force) {
            count(second, "packetsIn", null, packetsIn);
            count(second, "bytesIn", null, bytesIn);
            count(second, "packetsOut", null, packetsOut);
            count(second, "bytesOut", null, bytesOut);
            packetsIn = bytesIn = packetsOut = bytesOut = 0;
            second = s;
        }
    }

    /** The counters gathered since the last call, as server_stats' aggregatedEvents; starts afresh. */
    List<Map<String, Object>> takeAggregated() {
        roll(System.currentTimeMillis(), true);
        List<Map<String, Object>> out = new ArrayList<>(aggregated.size());
        aggregated.forEach((key, n) -> {
            String[] k = key.split("\\|", 3);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("timestamp", Long.parseLong(k[0]));
            e.put("type", k[1]);
            if (!k[2].isEmpty()) {
                e.put("subType", k[2]);
            }
            e.put("count", n[0]);
            out.add(e);
        });
        aggregated.clear();
        if (droppedSocketEvents > 0 || droppedRelayedEvents > 0) {
            LOG.warn("admin UI: over the relay rate ({}/s socket and room changes, {}/s events), {} changes and {} events were not sent to the admin sockets",
                    SOCKET_EVENTS_PER_SECOND, RELAYED_EVENTS_PER_SECOND, droppedSocketEvents, droppedRelayedEvents);
            droppedSocketEvents = 0;
            droppedRelayedEvents = 0;
        }
        return out;
    }

    @Override
    public void sessionOpened(String sessionId) {
        count(System.currentTimeMillis() / 1000 * 1000, "rawConnection", null, 1);
    }

    @Override
    public void sessionClosed(String sessionId, String reason) {
        // Reasons are the engine's fixed texts, so subTypes stay few.
        count(System.currentTimeMillis() / 1000 * 1000, "rawDisconnection", reason.length() > 40 ? reason.substring(0, 40) : reason, 1);
    }

    @Override
    public void packetIn(int bytes) {
        roll(System.currentTimeMillis(), false);
        packetsIn++;
        bytesIn += bytes;
    }

    @Override
    public void packetOut(int bytes) {
        roll(System.currentTimeMillis(), false);
        packetsOut++;
        bytesOut += bytes;
    }

    // ---- per-socket events (development mode) ----

    /** Upstream's SerializedSocket: describe() plus the client id, transport and namespace; data without _admin. */
    static Map<String, Object> serialize(Socket socket) {
        Map<String, Object> d = socket.describe();
        return serialize(d, socket.namespace().name(), socket.clientId(), socket.transport());
    }

    /** From a fetchSockets entry (this node's or another's, Node included): clientId and transport from data._admin. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> serialize(Map<String, Object> described, String nsp, String clientId, String transport) {
        Map<String, Object> data = described.get("data") instanceof Map<?, ?> m
                ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
        if (data.remove("_admin") instanceof Map<?, ?> meta) {
            clientId = clientId != null ? clientId : String.valueOf(meta.get("clientId"));
            transport = transport != null ? transport : String.valueOf(meta.get("transport"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", described.get("id"));
        out.put("clientId", clientId);
        out.put("transport", transport);
        out.put("nsp", nsp);
        out.put("data", data);
        out.put("handshake", described.get("handshake"));
        out.put("rooms", described.get("rooms"));
        return out;
    }

    /** {@code args} is called only for what passes: nothing is built for a change that is dropped. */
    private void relaySocketEvent(String event, java.util.function.Supplier<Object[]> args) {
        if (!watched()) {
            return;
        }
        if (!socketEvents.tryTake(System.nanoTime())) {
            droppedSocketEvents++;
            return;
        }
        admin.emit(event, args.get());
    }

    private void relayEvent(Socket socket, String event, List<Object> eventAndArgs) {
        if (socket.namespace() == admin || !watched()) {
            return;
        }
        if (!relayedEvents.tryTake(System.nanoTime())) {
            droppedRelayedEvents++;
            return;
        }
        admin.volatile_().emit(event, socket.namespace().name(), socket.id(), List.copyOf(eventAndArgs), now());
    }

    @Override
    public void connected(Socket socket) {
        // As upstream keeps it in socket.data._admin: that is how another node's fetchSockets learns them.
        socket.data().put("_admin", Map.of("clientId", socket.clientId(), "transport", socket.transport()));
        relaySocketEvent("socket_connected", () -> new Object[] {serialize(socket), now()});
    }

    @Override
    public void disconnected(Socket socket, String reason) {
        relaySocketEvent("socket_disconnected", () -> new Object[] {socket.namespace().name(), socket.id(), reason, now()});
    }

    @Override
    public void joined(Socket socket, String room) {
        relaySocketEvent("room_joined", () -> new Object[] {socket.namespace().name(), room, socket.id(), now()});
    }

    @Override
    public void left(Socket socket, String room) {
        relaySocketEvent("room_left", () -> new Object[] {socket.namespace().name(), room, socket.id(), now()});
    }

    @Override
    public void received(Socket socket, List<Object> eventAndArgs) {
        relayEvent(socket, "event_received", eventAndArgs);
    }

    @Override
    public void sent(Socket socket, List<Object> eventAndArgs) {
        relayEvent(socket, "event_sent", eventAndArgs);
    }

    /**
     * A socket whose transport changed since it was last told (an upgrade): socket_updated
     * {id, nsp, transport}, as upstream sends after an upgrade. Called for each local socket with each stats tick.
     */
    void checkTransport(Socket socket) {
        if (socket.data().get("_admin") instanceof Map<?, ?> meta && !socket.transport().equals(meta.get("transport"))) {
            socket.data().put("_admin", Map.of("clientId", socket.clientId(), "transport", socket.transport()));
            Map<String, Object> update = new LinkedHashMap<>();
            update.put("id", socket.id());
            update.put("nsp", socket.namespace().name());
            update.put("transport", socket.transport());
            relaySocketEvent("socket_updated", () -> new Object[] {update});
        }
    }
}
