package dev.nagare.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.engine.EngineServer;
import dev.nagare.testing.NodeScript;
import dev.nagare.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Admission checks that answer later (a token or database lookup) with the official client on
 * every transport: the engine's allowRequest hook and Socket.IO connect middleware, completing at
 * once, after a timer, on a worker thread or on a thread of their own, and refusing.
 */
class AsyncAdmissionTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @BeforeAll
    static void hooks() {
        Vertx vertx = server.nagare().vertx();
        EngineServer engine = server.nagare().io().engine();
        engine.allowRequest(req -> verdict(vertx, req.getParam("mode")));
        Namespace ns = server.nagare().io().of("/admission");
        ns.use(socket -> verdict(vertx, String.valueOf(socket.auth().getOrDefault("mode", "now"))));
        ns.on("connection", socket -> socket.on("echo", (args, ack) -> ack.send(args.toArray())));
    }

    @AfterAll
    static void restore() {
        server.nagare().io().engine().allowRequest(req -> Future.succeededFuture());
    }

    /** A check that lets the client in, or refuses it with "not on the list", in the given way. */
    private static Future<Void> verdict(Vertx vertx, String mode) {
        Promise<Void> p = Promise.promise();
        switch (mode == null ? "now" : mode) {
            case "now" -> p.complete();
            case "timer" -> vertx.setTimer(10, t -> p.complete());
            case "worker" -> {
                return vertx.executeBlocking(() -> null);
            }
            case "thread" -> new Thread(() -> {
                try {
                    Thread.sleep(10); // a lookup that takes a while on a thread Vert.x knows nothing of
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                p.complete();
            }).start();
            case "refuse-later" -> vertx.setTimer(10, t -> p.fail("not on the list"));
            case "throw" -> throw new IllegalStateException("the check itself broke");
            default -> p.fail("unknown mode");
        }
        return p.future();
    }

    private static JsonObject client(String namespace, String transports, JsonObject options) throws Exception {
        return NodeScript.run("admission.mjs", server.baseUrl() + namespace, transports, options.encode());
    }

    @ParameterizedTest(name = "engine hook answering {0}, transports {1}")
    @CsvSource({
        "now, websocket", "now, polling", "now, default",
        "timer, websocket", "timer, polling", "timer, default",
        "worker, websocket", "worker, polling", "worker, default",
        "thread, websocket", "thread, polling", "thread, default",
    })
    void anEngineHookThatAdmitsLaterLetsTheOfficialClientIn(String mode, String transports) throws Exception {
        JsonObject r = client("/admission", transports, new JsonObject().put("query", new JsonObject().put("mode", mode)));
        assertThat(r.getBoolean("connected")).as(r.encode()).isTrue();
        assertThat(r.getString("reply")).isEqualTo("admitted");
        assertThat(r.getJsonArray("binary")).isEqualTo(new JsonArray().add(0).add(1).add(2).add(250).add(255));
        if (!"default".equals(transports)) {
            assertThat(r.getString("transport")).isEqualTo(transports);
        }
    }

    @ParameterizedTest(name = "engine hook {0}, transports {1}")
    @CsvSource({
        "refuse-later, websocket", "refuse-later, polling", "refuse-later, default",
        "throw, websocket", "throw, polling",
    })
    void anEngineHookThatRefusesOrBreaksEndsInAConnectErrorNotAHang(String mode, String transports) throws Exception {
        JsonObject r = client("/admission", transports, new JsonObject().put("query", new JsonObject().put("mode", mode)));
        assertThat(r.getBoolean("connected")).as(r.encode()).isFalse();
        assertThat(r.getString("error")).isNotBlank();
    }

    @Test
    void aLateRefusalAnswers403WithTheHooksReasonOnBothTransports() throws Exception {
        HttpResponse<String> polling = server.get("/socket.io/?EIO=4&transport=polling&mode=refuse-later");
        assertThat(polling.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(polling.body())).isEqualTo(new JsonObject().put("code", 4).put("message", "not on the list"));

        try (Socket s = new Socket("127.0.0.1", server.nagare().port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /socket.io/?EIO=4&transport=websocket&mode=refuse-later HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 403").contains("{\"code\":4,\"message\":\"not on the list\"}");
        }
    }

    @ParameterizedTest(name = "middleware answering {0}, transports {1}")
    @CsvSource({"timer, websocket", "worker, websocket", "thread, websocket", "timer, polling", "worker, default"})
    void connectMiddlewareThatAdmitsLaterLetsTheClientIn(String mode, String transports) throws Exception {
        JsonObject r = client("/admission", transports, new JsonObject().put("auth", new JsonObject().put("mode", mode)));
        assertThat(r.getBoolean("connected")).as(r.encode()).isTrue();
        assertThat(r.getString("reply")).isEqualTo("admitted");
    }

    @ParameterizedTest(name = "middleware {0}")
    @CsvSource({"refuse-later, not on the list", "throw, the check itself broke"})
    void connectMiddlewareThatRefusesOrBreaksSendsConnectError(String mode, String message) throws Exception {
        JsonObject r = client("/admission", "websocket", new JsonObject().put("auth", new JsonObject().put("mode", mode)));
        assertThat(r.getBoolean("connected")).as(r.encode()).isFalse();
        assertThat(r.getString("error")).isEqualTo(message);
    }

    @ParameterizedTest(name = "forceBase64 over {0}")
    @CsvSource({"websocket", "polling", "default"})
    void binaryAsBase64FromTheOfficialClientIsAcceptedAndAnsweredInKind(String transports) throws Exception {
        JsonObject r = client("/admission", transports, new JsonObject().put("forceBase64", true));
        assertThat(r.getBoolean("connected")).as(r.encode()).isTrue();
        assertThat(r.getJsonArray("binary")).isEqualTo(new JsonArray().add(0).add(1).add(2).add(250).add(255));
        assertThat(r.getBoolean("binaryIsBuffer")).isTrue();
    }

}
