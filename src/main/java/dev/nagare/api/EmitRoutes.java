package dev.nagare.api;

import dev.nagare.adapter.ResponsesTimeout;
import dev.nagare.auth.KeyedRates;
import dev.nagare.auth.Principal;
import dev.nagare.auth.RateSharing;
import dev.nagare.auth.http.HttpGuard;
import dev.nagare.socketio.BroadcastOperator;
import dev.nagare.socketio.Namespace;
import dev.nagare.socketio.SocketIoServer;
import dev.nagare.web.JsonReply;
import dev.nagare.wire.SocketIoCodec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Publishing from any backend over HTTP, as socket.io's emitters and Centrifugo's HTTP API allow:
 *
 * <pre>
 *   POST /api/v1/emit                {namespace?, event, args?, rooms?, except?, volatile?, ackTimeoutMs?}
 *                                    or {messages: [that, ...]} (at most 100), answered {results: [...]}
 *        → {ok: true} or, with ackTimeoutMs, {ok, responses: [each socket's first ack argument], timedOut}
 *   POST /api/v1/sockets/join        {namespace?, rooms?, except?, room}      (socketsJoin)
 *   POST /api/v1/sockets/leave       {namespace?, rooms?, except?, room}      (socketsLeave)
 *   POST /api/v1/sockets/disconnect  {namespace?, rooms?, except?, close?}    (disconnectSockets)
 *   POST /api/v1/sockets/fetch       {namespace?, rooms?, except?}            → {sockets: [{id, rooms, data, handshake}]}
 * </pre>
 *
 * In a cluster every call reaches the sockets of every node (it goes through the adapter). Rights:
 * {@code emit:<namespace>} to emit, {@code moderate:<namespace>} for the socket operations (a token
 * scoped to one namespace is enough). An {@code Idempotency-Key} header makes a retried call act
 * once ({@link IdempotencyKeys}). Bodies are bounded by {@code --max-body}; calls per user by a
 * rate shared with the other nodes. Only namespaces that exist are served: a request cannot create one.
 */
public final class EmitRoutes {
    static final int MAX_BATCH = 100;
    static final int MAX_ROOMS = 100;
    static final long MAX_ACK_TIMEOUT_MS = 60_000;

    private final SocketIoServer io;
    private final HttpGuard auth;
    private final KeyedRates rates = new KeyedRates(100);
    private final IdempotencyKeys idempotency = new IdempotencyKeys(Duration.ofMinutes(10), 100_000);

    public EmitRoutes(SocketIoServer io, HttpGuard auth, RateSharing sharing) {
        this.io = io;
        this.auth = auth;
        sharing.share("api.v1", rates);
    }

    public void mount(Router router) {
        router.post("/api/v1/emit").handler(auth.attach()).handler(auth.require()).handler(ctx -> call(ctx, this::emitOrBatch));
        router.post("/api/v1/sockets/:op").handler(auth.attach()).handler(auth.require()).handler(ctx -> call(ctx, this::sockets));
    }

    /** A refusal with its HTTP status and message. */
    static final class Refusal extends RuntimeException {
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private record Call(Principal principal, JsonObject body, RoutingContext ctx) {
    }

    private void call(RoutingContext ctx, Function<Call, Future<JsonObject>> action) {
        Principal p = HttpGuard.principal(ctx);
        if (!rates.tryTake(p.username())) {
            JsonReply.error(ctx, 429, "Slow down: " + rates.describe("API calls") + ".");
            return;
        }
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        if (body == null) {
            JsonReply.error(ctx, 400, "Expected a JSON object (Content-Type: application/json).");
            return;
        }
        Call call = new Call(p, body, ctx);
        String key = ctx.request().getHeader("Idempotency-Key");
        Future<JsonObject> result;
        try {
            result = key == null ? action.apply(call)
                    : idempotency.once(p.userId() + " " + ctx.request().path() + " " + IdempotencyKeys.check(key),
                            () -> action.apply(call));
        } catch (Refusal r) {
            result = Future.failedFuture(r);
        }
        result.onComplete(ar -> {
            if (ar.succeeded()) {
                JsonReply.send(ctx, 200, ar.result());
            } else if (ar.cause() instanceof Refusal r) {
                JsonReply.error(ctx, r.status, r.getMessage());
            } else {
                JsonReply.error(ctx, 500, "The call failed: " + ar.cause().getMessage());
            }
        });
    }

    private Future<JsonObject> emitOrBatch(Call call) {
        if (!call.body().containsKey("messages")) {
            return emit(call.principal(), call.body());
        }
        JsonArray messages = call.body().getValue("messages") instanceof JsonArray a ? a : null;
        if (messages == null || messages.isEmpty() || messages.size() > MAX_BATCH) {
            throw new Refusal(400, "\"messages\" must be an array of 1 to " + MAX_BATCH + " emits.");
        }
        List<Future<JsonObject>> each = new ArrayList<>();
        for (Object m : messages) {
            if (!(m instanceof JsonObject message)) {
                throw new Refusal(400, "Each of \"messages\" must be an object like a single emit.");
            }
            check(call.principal(), message, "emit"); // all or nothing: refuse before sending any
        }
        for (Object m : messages) {
            each.add(emit(call.principal(), (JsonObject) m));
        }
        return Future.join(each).map(v -> new JsonObject().put("results",
                new JsonArray(each.stream().map(f -> (Object) f.result()).toList())));
    }

    private Future<JsonObject> emit(Principal p, JsonObject m) {
        Namespace ns = check(p, m, "emit");
        Object event = m.getValue("event");
        if (!(event instanceof String name) || name.isEmpty() || name.length() > 64 || SocketIoCodec.RESERVED_EVENTS.contains(name)) {
            throw new Refusal(400, "\"event\" must be a name of 1 to 64 characters, not one Socket.IO reserves.");
        }
        Object rawArgs = m.getValue("args", new JsonArray());
        if (!(rawArgs instanceof JsonArray args) || args.size() > 16) {
            throw new Refusal(400, "\"args\" must be an array of at most 16 JSON values.");
        }
        BroadcastOperator to = select(ns, m);
        if (Boolean.TRUE.equals(m.getValue("volatile"))) {
            to = to.volatile_();
        }
        Object[] values = args.getList().toArray();
        Object ackTimeout = m.getValue("ackTimeoutMs");
        if (ackTimeout == null) {
            to.emit(name, values);
            return Future.succeededFuture(new JsonObject().put("ok", true));
        }
        if (!(ackTimeout instanceof Number ms) || ms.longValue() < 1 || ms.longValue() > MAX_ACK_TIMEOUT_MS) {
            throw new Refusal(400, "\"ackTimeoutMs\" must be 1 to " + MAX_ACK_TIMEOUT_MS + ".");
        }
        return to.timeout(Duration.ofMillis(ms.longValue())).emitWithAck(name, values).transform(ar -> {
            if (ar.succeeded()) {
                return Future.succeededFuture(new JsonObject().put("ok", true).put("timedOut", false)
                        .put("responses", new JsonArray(new ArrayList<>(ar.result()))));
            }
            if (ar.cause() instanceof ResponsesTimeout t) {
                return Future.succeededFuture(new JsonObject().put("ok", true).put("timedOut", true)
                        .put("responses", new JsonArray(new ArrayList<>(t.responses()))));
            }
            return Future.failedFuture(ar.cause());
        });
    }

    private Future<JsonObject> sockets(Call call) {
        String op = call.ctx().pathParam("op");
        JsonObject m = call.body();
        Namespace ns = check(call.principal(), m, "moderate");
        BroadcastOperator to = select(ns, m);
        switch (op) {
            case "join", "leave" -> {
                Object room = m.getValue("room");
                if (!(room instanceof String r) || r.isEmpty() || r.length() > 128) {
                    throw new Refusal(400, "\"room\" must be a name of 1 to 128 characters.");
                }
                if (op.equals("join")) {
                    to.socketsJoin(r);
                } else {
                    to.socketsLeave(r);
                }
                return Future.succeededFuture(new JsonObject().put("ok", true));
            }
            case "disconnect" -> {
                to.disconnectSockets(Boolean.TRUE.equals(m.getValue("close")));
                return Future.succeededFuture(new JsonObject().put("ok", true));
            }
            case "fetch" -> {
                return to.fetchSockets().map(list -> new JsonObject().put("sockets",
                        new JsonArray(list.stream().map(d -> (Object) new JsonObject(d)).toList())));
            }
            default -> throw new Refusal(404, "No such socket operation '" + op + "': join, leave, disconnect or fetch.");
        }
    }

    /** The namespace {@code m} names, if it exists and {@code p} may {@code action} there. */
    private Namespace check(Principal p, JsonObject m, String action) {
        Object name = m.getValue("namespace", "/");
        if (!(name instanceof String ns) || !ns.startsWith("/") || ns.length() > 128) {
            throw new Refusal(400, "\"namespace\" must be a name like \"/\" or \"/chat\".");
        }
        if (!p.may(action, ns)) {
            throw new Refusal(403, "Not allowed: this needs the right " + action + ":" + ns + ".");
        }
        Namespace namespace = io.namespaces().get(ns);
        if (namespace == null) {
            throw new Refusal(404, "There is no namespace '" + ns + "' on this server.");
        }
        return namespace;
    }

    private static BroadcastOperator select(Namespace ns, JsonObject m) {
        List<String> rooms = names(m, "rooms");
        List<String> except = names(m, "except");
        BroadcastOperator to = ns.to(rooms.toArray(String[]::new));
        return except.isEmpty() ? to : to.except(except.toArray(String[]::new));
    }

    private static List<String> names(JsonObject m, String field) {
        Object v = m.getValue(field);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof JsonArray a) || a.size() > MAX_ROOMS) {
            throw new Refusal(400, "\"" + field + "\" must be an array of at most " + MAX_ROOMS + " room names.");
        }
        List<String> out = new ArrayList<>();
        for (Object o : a) {
            if (!(o instanceof String s) || s.isEmpty() || s.length() > 128) {
                throw new Refusal(400, "\"" + field + "\" must hold room names of 1 to 128 characters.");
            }
            out.add(s);
        }
        return out;
    }
}
