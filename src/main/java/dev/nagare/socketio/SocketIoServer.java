package dev.nagare.socketio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.nagare.adapter.Adapter;
import dev.nagare.adapter.AdapterHandler;
import dev.nagare.adapter.MemoryAdapter;
import dev.nagare.engine.EngineConfig;
import dev.nagare.engine.EngineServer;
import dev.nagare.engine.EngineSession;
import dev.nagare.wire.SocketIoCodec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The Socket.IO server on top of an {@link EngineServer}. It subscribes to exactly three engine
 * events (connection, message, close: see {@link Client}) and nothing else.
 *
 * <pre>{@code
 * io.of("/chat").on("connection", socket ->
 *     socket.on("message", (args, ack) -> io.of("/chat").emit("message", args.get(0))));
 * }</pre>
 *
 * Namespaces and sockets may be used from any thread: emits hop onto the engine's event loop.
 */
public final class SocketIoServer {
    private final EngineServer engine;
    private final SocketIoConfig config;
    private final SocketIoCodec codec;
    private final SocketIoStats stats = new SocketIoStats();
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private volatile Predicate<String> dynamicNamespaces = name -> false;
    /** Makes a namespace's adapter; the long is the recovery window in ms (0: recovery off). */
    private volatile BiFunction<AdapterHandler, Long, Adapter> adapterFactory;
    private volatile Observer observer = Observer.NONE;

    /**
     * Bytes held by all clients in packets whose binary attachments have not all arrived. Engine
     * event loop only. Each packet is capped at maxPayload; this caps their sum, so that many
     * sessions each holding an incomplete packet cannot exhaust the heap.
     */
    private long pendingBytes;
    private final long maxPendingBytes = Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 8);

    public SocketIoServer(EngineServer engine, SocketIoConfig config) {
        this.engine = engine;
        this.config = config;
        this.codec = new SocketIoCodec(mapper(), config.maxAttachments());
        this.adapterFactory = (h, recoveryMs) -> new MemoryAdapter(h, recoveryMs, config.recoveryPackets());
        engine.onConnection(this::onEngineConnection);
        of("/");
    }

    EngineConfig engineConfig() {
        return engine.config();
    }

    boolean reservePending(long bytes) {
        if (pendingBytes + bytes > maxPendingBytes) {
            return false;
        }
        pendingBytes += bytes;
        return true;
    }

    void releasePending(long bytes) {
        pendingBytes -= bytes;
    }

    /** A Jackson mapper that also writes Vert.x JsonObject/JsonArray as plain JSON. */
    static ObjectMapper mapper() {
        SimpleModule vertx = new SimpleModule("vertx-json");
        vertx.addSerializer(new StdSerializer<JsonObject>(JsonObject.class) {
            @Override
            public void serialize(JsonObject v, com.fasterxml.jackson.core.JsonGenerator g,
                    com.fasterxml.jackson.databind.SerializerProvider p) throws java.io.IOException {
                p.defaultSerializeValue(v.getMap(), g);
            }
        });
        vertx.addSerializer(new StdSerializer<JsonArray>(JsonArray.class) {
            @Override
            public void serialize(JsonArray v, com.fasterxml.jackson.core.JsonGenerator g,
                    com.fasterxml.jackson.databind.SerializerProvider p) throws java.io.IOException {
                p.defaultSerializeValue(v.getList(), g);
            }
        });
        return new ObjectMapper().registerModule(vertx);
    }

    /** The namespace {@code name} ("/" or "/something"), created on first use. */
    public Namespace of(String name) {
        if (!name.startsWith("/")) {
            throw new IllegalArgumentException("a namespace starts with '/': " + name);
        }
        return namespaces.computeIfAbsent(name, n -> new Namespace(this, n));
    }

    /**
     * Accepts namespaces created on demand when a client connects to a name {@code matcher}
     * accepts; their connection handlers come from {@code setup}, called once per new namespace.
     */
    public void dynamic(Predicate<String> matcher, java.util.function.Consumer<Namespace> setup) {
        Predicate<String> previous = dynamicNamespaces;
        dynamicNamespaces = name -> {
            if (matcher.test(name)) {
                namespaces.computeIfAbsent(name, n -> {
                    Namespace ns = new Namespace(this, n);
                    setup.accept(ns);
                    return ns;
                });
                return true;
            }
            return previous.test(name);
        };
    }

    /**
     * Replaces the adapter factory (e.g. a clustered adapter) for every namespace, those that exist
     * included: call it before clients connect. The factory gets the namespace's recovery window in
     * ms (0 when recovery is off).
     */
    public void adapter(BiFunction<AdapterHandler, Long, Adapter> factory) {
        this.adapterFactory = factory;
        namespaces.values().forEach(Namespace::renewAdapter);
    }

    /**
     * Installs the one {@link Observer} (a monitor such as the Admin UI's server side); what it
     * hears starts with the next event. Calling it again replaces it; {@link Observer#NONE} removes it.
     */
    public void observe(Observer o) {
        this.observer = o == null ? Observer.NONE : o;
    }

    Observer observer() {
        return observer;
    }

    /** The JSON mapper the Socket.IO codec uses, for codecs that must write values the same way. */
    public ObjectMapper jsonMapper() {
        return codec.mapper();
    }

    public Map<String, Namespace> namespaces() {
        return Map.copyOf(namespaces);
    }

    public EngineServer engine() {
        return engine;
    }

    /** Broadcast to every socket in "/". */
    public void emit(String event, Object... args) {
        of("/").emit(event, args);
    }

    /** Disconnects every socket with {@code reason} and closes their sessions; for shutdown. */
    public Future<Void> close(String reason) {
        return engine.closeAll(reason);
    }

    Namespace lookup(String name) {
        Namespace ns = namespaces.get(name);
        if (ns == null && dynamicNamespaces.test(name)) {
            ns = namespaces.get(name);
        }
        return ns;
    }

    Adapter newAdapter(AdapterHandler handler, long recoveryMs) {
        return adapterFactory.apply(handler, recoveryMs);
    }

    /** Broadcasts, connections, recoveries and acks so far, for metrics. */
    public SocketIoStats stats() {
        return stats;
    }

    public SocketIoConfig config() {
        return config;
    }

    SocketIoCodec codec() {
        return codec;
    }

    Context context() {
        return engine.context();
    }

    private void onEngineConnection(EngineSession session) {
        Client client = new Client(this, session);
        session.listener(client);
        client.start();
        observer.sessionOpened(session.id());
    }
}
