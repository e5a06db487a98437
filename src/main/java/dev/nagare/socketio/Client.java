package dev.nagare.socketio;

import dev.nagare.engine.EngineSession;
import dev.nagare.engine.SessionListener;
import dev.nagare.wire.EnginePacket;
import dev.nagare.wire.ProtocolException;
import dev.nagare.wire.SocketIoCodec;
import dev.nagare.wire.SocketPacket;
import dev.nagare.wire.SocketPacketType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO session seen by Socket.IO: decodes packets (reassembling binary ones), routes them
 * to the namespace sockets of this session and enforces the connect timeout. Event-loop only.
 */
final class Client implements SessionListener {
    private static final Logger LOG = LoggerFactory.getLogger(Client.class);

    private final SocketIoServer server;
    private final EngineSession session;
    private final SocketIoCodec codec;
    // Sized for one namespace, the usual case: kept per idle session (issue #21).
    private final Map<String, Socket> sockets = new HashMap<>(2); // namespace -> socket
    private Set<String> connecting; // namespaces admitting a CONNECT; null when none, as it mostly is (#21)
    private SocketIoCodec.Partial pending;
    /**
     * The attachments received so far, held off the heap (pooled direct buffers, released in
     * {@link #releasePending}): an attacker's incomplete packets fill the budget of incomplete
     * packets (an eighth of the heap) for up to a heartbeat period, and as heap arrays every young
     * collection copied them, in pauses of 100-156 ms that stopped the event loop (issue 15, GC log
     * of the full-size chaos run). The arriving array dies young; the copy here is a memcpy.
     */
    private List<ByteBuf> attachments;
    private long pendingBytes;          // the text part and the attachments received so far
    private long attachmentTimer = -1;
    private long connectTimer = -1;
    private boolean closed;

    Client(SocketIoServer server, EngineSession session) {
        this.server = server;
        this.session = session;
        this.codec = server.codec();
    }

    EngineSession session() {
        return session;
    }

    void start() {
        connectTimer = session.context().owner().setTimer(server.config().connectTimeoutMs(), t -> {
            connectTimer = -1;
            if (sockets.isEmpty() && !closed) {
                LOG.debug("session {}: no namespace joined within the connect timeout", session.id());
                session.close("connect timeout");
            }
        });
    }

    @Override
    public void onMessage(EngineSession s, EnginePacket message) {
        if (closed) {
            return;
        }
        Observer observer = server.observer();
        if (observer != Observer.NONE) {
            observer.packetIn(message.isBinary() ? message.binary().length : message.text().length());
        }
        try {
            if (message.isBinary()) {
                if (pending == null) {
                    throw new ProtocolException("unexpected binary attachment");
                }
                if (!holdPending(message.binary().length)) {
                    return;
                }
                byte[] part = message.binary();
                attachments.add(PooledByteBufAllocator.DEFAULT.directBuffer(part.length).writeBytes(part));
                if (attachments.size() == pending.expected()) {
                    List<byte[]> parts = new ArrayList<>(attachments.size());
                    for (ByteBuf b : attachments) {
                        parts.add(ByteBufUtil.getBytes(b));
                    }
                    SocketIoCodec.Partial complete = pending;
                    releasePending();
                    SocketPacket packet = codec.reconstruct(complete, parts);
                    dispatch(packet);
                }
                return;
            }
            if (pending != null) {
                throw new ProtocolException("text packet while awaiting binary attachments");
            }
            SocketIoCodec.Partial partial = codec.decode(message.text());
            if (partial.expected() > 0) {
                pending = partial;
                attachments = new ArrayList<>(partial.expected());
                if (!holdPending(message.text().length())) {
                    return;
                }
                // The reference client sends the attachments right after the text part; a packet
                // left incomplete for a heartbeat period is an attack or a dead peer.
                long deadline = server.engineConfig().pingIntervalMs() + server.engineConfig().pingTimeoutMs();
                attachmentTimer = session.context().owner().setTimer(deadline, t -> {
                    attachmentTimer = -1;
                    refuse("binary attachments not completed within " + deadline + " ms", 1008);
                });
            } else {
                dispatch(partial.packet());
            }
        } catch (ProtocolException e) {
            refuse("parse error: " + e.getMessage(), 1002);
        }
    }

    /**
     * Counts {@code bytes} more of the packet being reassembled against the packet cap (the
     * engine's maxPayload covers one packet with all its attachments, else a client could hold ten
     * times it) and the server-wide budget of incomplete packets. False (and the client closed) when over.
     */
    private boolean holdPending(long bytes) {
        long cap = server.engineConfig().maxPayload();
        if (pendingBytes + bytes > cap) {
            refuse("packet with its binary attachments over maxPayload (" + cap + " bytes)", 1009);
            return false;
        }
        if (!server.reservePending(bytes)) {
            refuse("server busy: too many incomplete binary packets", 1013);
            return false;
        }
        pendingBytes += bytes;
        return true;
    }

    private void releasePending() {
        server.releasePending(pendingBytes);
        pendingBytes = 0;
        pending = null;
        if (attachments != null) {
            attachments.forEach(ByteBuf::release);
        }
        attachments = null;
        if (attachmentTimer >= 0) {
            session.context().owner().cancelTimer(attachmentTimer);
            attachmentTimer = -1;
        }
    }

    /** Closes the connection over a client's protocol violation, with a WebSocket close code and the reason. */
    private void refuse(String reason, int closeCode) {
        LOG.info("session {} ({}): {}; closing", session.id(), session.handshake().remoteAddress(), reason);
        closeAll("parse error");
        session.close(reason, closeCode);
    }

    private void dispatch(SocketPacket packet) throws ProtocolException {
        if (packet.type() == SocketPacketType.CONNECT) {
            connect(packet.namespace(), packet.data());
            return;
        }
        if (packet.type() == SocketPacketType.CONNECT_ERROR) {
            throw new ProtocolException("CONNECT_ERROR from a client");
        }
        Socket socket = sockets.get(packet.namespace());
        if (socket == null) {
            // As the reference server: a packet for a namespace this client has not joined is an
            // invalid state, and the connection is closed.
            throw new ProtocolException("packet for namespace " + packet.namespace() + " before CONNECT");
        }
        socket.onPacket(packet);
    }

    @SuppressWarnings("unchecked")
    private void connect(String name, Object auth) throws ProtocolException {
        if (sockets.containsKey(name) || connecting != null && connecting.contains(name)) {
            throw new ProtocolException("second CONNECT to " + name);
        }
        Namespace ns = server.lookup(name);
        if (ns == null) {
            server.stats().refusedNoNamespace.increment();
            send(new SocketPacket(SocketPacketType.CONNECT_ERROR, name, SocketPacket.NO_ID,
                    Map.of("message", "Invalid namespace")));
            return;
        }
        if (connecting == null) {
            connecting = new HashSet<>(2);
        }
        connecting.add(name);
        Map<String, Object> authMap = auth == null ? Map.of() : (Map<String, Object>) auth;
        ns.admit(this, authMap);
    }

    /** Called by the namespace when a socket joined or was refused. */
    void connected(Socket socket) {
        doneConnecting(socket.namespace().name());
        sockets.put(socket.namespace().name(), socket);
        if (connectTimer >= 0) {
            session.context().owner().cancelTimer(connectTimer);
            connectTimer = -1;
        }
    }

    void refused(String namespace) {
        doneConnecting(namespace);
    }

    private void doneConnecting(String namespace) {
        if (connecting != null && connecting.remove(namespace) && connecting.isEmpty()) {
            connecting = null;
        }
    }

    void removed(Socket socket) {
        sockets.remove(socket.namespace().name(), socket);
    }

    boolean isClosed() {
        return closed;
    }

    /** Encodes and sends one packet to this client. */
    void send(SocketPacket packet) {
        send(frames(codec.encode(packet)), false);
    }

    /** The engine packets of an encoded Socket.IO packet: its text, then its attachments. */
    static List<EnginePacket> frames(SocketIoCodec.Encoded e) {
        EnginePacket text = EnginePacket.message(e.text());
        if (e.attachments().isEmpty()) {
            return List.of(text);
        }
        List<EnginePacket> all = new ArrayList<>(1 + e.attachments().size());
        all.add(text);
        for (byte[] b : e.attachments()) {
            all.add(EnginePacket.binary(b));
        }
        return List.copyOf(all);
    }

    /**
     * Sends frames built once, possibly shared with other receivers. Volatile packets are dropped
     * when the client cannot take them right now. Returns whether they were sent or queued.
     */
    boolean send(List<EnginePacket> frames, boolean volatile_) {
        if (closed) {
            return false;
        }
        if (volatile_ && frames.size() == 1) {
            boolean sent = session.sendVolatile(frames.get(0));
            if (sent) {
                countOut(frames);
            }
            return sent;
        }
        session.send(frames);
        countOut(frames);
        return true;
    }

    private void countOut(List<EnginePacket> frames) {
        Observer observer = server.observer();
        if (observer != Observer.NONE) {
            for (EnginePacket f : frames) {
                observer.packetOut(f.isBinary() ? f.binary().length : f.text().length());
            }
        }
    }

    @Override
    public void onClose(EngineSession s, String reason) {
        closeAll(reason);
    }

    private void closeAll(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        releasePending();
        if (connectTimer >= 0) {
            session.context().owner().cancelTimer(connectTimer);
            connectTimer = -1;
        }
        for (Socket socket : new ArrayList<>(sockets.values())) {
            socket.onClose(reason);
        }
        sockets.clear();
        server.observer().sessionClosed(session.id(), reason);
    }

    /**
     * {@code socket.disconnect(true)} as socket.io does it: every socket of this client gets
     * DISCONNECT (its client sees "io server disconnect"), then the connection closes once that is sent.
     */
    void disconnectAll() {
        for (Socket socket : new ArrayList<>(sockets.values())) {
            socket.disconnectNow();
        }
        session.close("forced server close");
    }
}
