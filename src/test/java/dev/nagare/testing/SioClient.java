package dev.nagare.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.Account;
import dev.nagare.auth.Role;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import io.vertx.core.json.JsonObject;
import org.json.JSONException;
import org.json.JSONObject;

/** A user on the official Java socket.io client: records every server event, awaits acks. */
public final class SioClient implements AutoCloseable {
    private final Socket socket;
    private final Map<String, BlockingQueue<JsonObject>> events = new ConcurrentHashMap<>();

    private SioClient(Socket socket) {
        this.socket = socket;
    }

    /** Makes the account (when new) and a token for it, and connects to {@code namespace}. */
    public static SioClient connect(TestServer server, String namespace, String user, Role role) throws Exception {
        var accounts = server.nagare().accounts();
        var found = accounts.find(user).await(10, TimeUnit.SECONDS);
        Account account = found.isPresent() ? found.get()
                : accounts.create(user, "velvet thunder orchard", role).await(10, TimeUnit.SECONDS);
        String token = server.nagare().tokens().create(account, "chat-test", Set.of(), Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
        return connect(server, namespace, Map.of("token", token));
    }

    public static SioClient connect(TestServer server, String namespace, Map<String, String> auth) throws Exception {
        return connect(server.baseUrl(), namespace, auth);
    }

    /** Connects to the server at {@code baseUrl} (one node of a cluster, say). */
    public static SioClient connect(String baseUrl, String namespace, Map<String, String> auth) throws Exception {
        Socket socket = IO.socket(URI.create(baseUrl + namespace), IO.Options.builder()
                .setTransports(new String[] {"websocket"}).setForceNew(true).setReconnection(false)
                .setAuth(auth).build());
        SioClient client = new SioClient(socket);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        socket.onAnyIncoming(args -> {
            if (args.length > 1 && args[1] instanceof JSONObject body) {
                client.queue((String) args[0]).add(new JsonObject(body.toString()));
            } else if (args.length > 1) {
                client.queue((String) args[0]).add(new JsonObject().put("value", String.valueOf(args[1])));
            }
        });
        socket.on(Socket.EVENT_CONNECT, a -> outcome.complete("connected"));
        socket.on(Socket.EVENT_CONNECT_ERROR, a -> outcome.complete("refused " + a[0]));
        socket.connect();
        String result = outcome.get(10, TimeUnit.SECONDS);
        if (!result.equals("connected")) {
            socket.close();
            throw new IllegalStateException(result);
        }
        return client;
    }

    /** The socket's id in its namespace, as the server knows it. */
    public String id() {
        return socket.id();
    }

    private BlockingQueue<JsonObject> queue(String event) {
        return events.computeIfAbsent(event, e -> new LinkedBlockingQueue<>());
    }

    /** Emits {@code event} with {@code body} and returns the ack's object. */
    public JsonObject request(String event, JsonObject body) throws Exception {
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        socket.emit(event, new Object[] {json(body)}, (Ack) args -> reply.complete(new JsonObject(args[0].toString())));
        return reply.get(10, TimeUnit.SECONDS);
    }

    public JsonObject ok(String event, JsonObject body) throws Exception {
        JsonObject reply = request(event, body);
        assertThat(reply.getBoolean("ok", false)).as("%s %s -> %s", event, body, reply).isTrue();
        return reply;
    }

    public void emit(String event, Object arg) {
        socket.emit(event, arg instanceof JsonObject j ? json(j) : arg);
    }

    private static JSONObject json(JsonObject body) {
        try {
            return new JSONObject(body.encode());
        } catch (JSONException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The next {@code event} matching {@code test}, skipping others; fails after 10 s. */
    public JsonObject next(String event, Predicate<JsonObject> test) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonObject e = queue(event).poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no '" + event + "' event matching in 10 s");
            }
            if (test.test(e)) {
                return e;
            }
        }
    }

    public JsonObject next(String event) throws InterruptedException {
        return next(event, e -> true);
    }

    /** Takes every {@code event} received so far. */
    public java.util.List<JsonObject> drain(String event) {
        java.util.List<JsonObject> out = new java.util.ArrayList<>();
        queue(event).drainTo(out);
        return out;
    }

    /** Makes the account (when new) and a token for it narrowed to {@code scopes}, and connects. */
    public static SioClient connectScoped(TestServer server, String namespace, String user, Set<String> scopes)
            throws Exception {
        var accounts = server.nagare().accounts();
        var found = accounts.find(user).await(10, TimeUnit.SECONDS);
        Account account = found.isPresent() ? found.get()
                : accounts.create(user, "velvet thunder orchard", Role.USER).await(10, TimeUnit.SECONDS);
        String token = server.nagare().tokens().create(account, "scoped", scopes, Duration.ofHours(1))
                .await(10, TimeUnit.SECONDS).secret();
        return connect(server, namespace, Map.of("token", token));
    }

    /** Events of that name received so far and not yet taken. */
    public int pending(String event) {
        return queue(event).size();
    }

    @Override
    public void close() {
        socket.close();
    }
}
