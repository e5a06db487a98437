package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpBasicsTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ACCESS_LOG, "true", Setting.MAX_BODY, "4096"));

    @ParameterizedTest
    @ValueSource(strings = {"/", "/assets/nagare.css", "/health/live", "/api/nothing", "/no-such-page"})
    void everyResponseCarriesTheSecurityHeaders(String path) {
        HttpResponse<String> res = server.get(path);
        var h = res.headers();
        String csp = h.firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'self'", "script-src 'self'", "style-src 'self'",
                "frame-ancestors 'none'", "object-src 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(h.firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(h.firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(h.firstValue("Referrer-Policy")).hasValue("strict-origin-when-cross-origin");
        assertThat(h.firstValue("Permissions-Policy").orElseThrow())
                .contains("geolocation=()", "camera=()", "microphone=()");
        assertThat(h.firstValue("X-XSS-Protection")).hasValue("0");
    }

    @Test
    void landingPageLinksEveryApp() {
        HttpResponse<String> res = server.get("/");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(res.body()).contains("href=\"/chat\"", "href=\"/dashboard\"", "href=\"/video\"",
                "href=\"/audio\"", "href=\"/game\"", "href=\"/seed/chat\"");
        assertThat(res.body()).doesNotContain("data-state=\"coming\"");
        assertThat(res.body()).doesNotContain("<script>", "style=");
    }

    @Test
    void healthEndpointsAnswerJson() {
        HttpResponse<String> live = server.get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(live.body()).getString("status")).isEqualTo("UP");
        assertThat(new JsonObject(live.body()).getString("version")).isEqualTo(Version.get());

        HttpResponse<String> ready = server.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(ready.body()))
                .isEqualTo(new JsonObject().put("status", "UP").put("checks", new JsonObject().put("store", "UP")));
    }

    @Test
    void unknownApiPathIsAJson404() {
        HttpResponse<String> res = server.get("/api/does-not-exist");
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(new JsonObject(res.body())).isEqualTo(new JsonObject().put("status", 404)
                .put("error", "not_found").put("message", "No such endpoint: GET /api/does-not-exist"));
    }

    @Test
    void unknownPageIsAFriendlyHtml404ThatEchoesNothingFromTheRequest() {
        HttpResponse<String> res = server.get("/%3Cscript%3Ealert(1)%3C/script%3E");
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(res.body()).contains("Page not found").doesNotContain("<script>", "alert(1)");
    }

    @Test
    void wrongMethodOnAKnownPathIs405() {
        HttpResponse<String> res = server.send(HttpRequest.newBuilder(server.uri("/health/live"))
                .DELETE().build());
        assertThat(res.statusCode()).isEqualTo(405);
        assertThat(new JsonObject(res.body()).getString("error")).isEqualTo("method_not_allowed");
    }

    @Test
    void apiBodyOverTheLimitIsRejectedWith413() {
        HttpResponse<String> res = server.send(HttpRequest.newBuilder(server.uri("/api/anything"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(10_000))).build());
        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(new JsonObject(res.body()).getString("error")).isEqualTo("payload_too_large");
        assertThat(server.get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void staticAssetsRevalidateByEtagAndAnswer304WhenUnchanged() {
        HttpResponse<String> first = server.get("/assets/landing.js");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-cache");
        String etag = first.headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> again = server.send(HttpRequest.newBuilder(server.uri("/assets/landing.js"))
                .header("If-None-Match", etag).build());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void textAssetsAreGzippedWhenTheClientAcceptsIt() throws IOException {
        HttpResponse<byte[]> res = sendBytes(HttpRequest.newBuilder(server.uri("/assets/nagare.css"))
                .header("Accept-Encoding", "gzip").build());
        assertThat(res.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(res.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(res.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(server.get("/assets/nagare.css").body());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/assets/../../pom.xml", "/assets/%2e%2e/%2e%2e/logback.xml", "/assets/..%2fnagare-version.properties",
            "/assets/", "/assets/.hidden.css", "/assets/nagare.css%00.js", "/assets/x/../../index.html"})
    void pathTraversalAndOddNamesAreNotServed(String path) throws IOException {
        // Raw request line: java.net.http would normalise some of these before sending.
        String response = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 404").doesNotContain("<configuration>", "<project", "version=");
    }

    @Test
    void oversizedHeadersAreRejectedAndTheServerKeepsServing() throws IOException {
        String response = raw("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 431");
        assertThat(response).contains("X-Content-Type-Options: nosniff", "\"error\":\"request_header_fields_too_large\"");
        assertThat(server.get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void overlongRequestLineIsRejected() throws IOException {
        String response = raw("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        // Netty cannot read the version from a line it gave up on, so the answer is HTTP/1.0.
        assertThat(response).matches("(?s)HTTP/1\\.[01] 414 .*").contains("\"error\":\"uri_too_long\"");
    }

    private static HttpResponse<byte[]> sendBytes(HttpRequest request) {
        try {
            return server.http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.nagare().port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
