package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nagare.testing.NodeScript;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTPS and WSS over the self-signed development certificate, HSTS, and the HTTP redirect. */
class TlsTest {
    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.TLS_SELF_SIGNED, "true",
            Setting.HTTP_REDIRECT_PORT, "0", Setting.ADMIN_PASSWORD, "river stone lantern"));

    static HttpClient https;
    static SSLContext trustingContext;

    @BeforeAll
    static void client() throws Exception {
        // The development certificate is self-signed: trust it for this test only.
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {trustAll}, new SecureRandom());
        SSLParameters params = new SSLParameters();
        params.setEndpointIdentificationAlgorithm(null);
        trustingContext = ssl;
        https = HttpClient.newBuilder().sslContext(ssl).sslParameters(params)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        server.nagare().io().of("/tls").on("connection",
                socket -> socket.on("echo", (args, ack) -> ack.send(args.toArray())));
    }

    @Test
    void pagesAreServedOverTls12OrLaterWithHsts() throws Exception {
        assertThat(server.baseUrl()).startsWith("https://");
        HttpResponse<String> res = https.send(HttpRequest.newBuilder(server.uri("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
        assertThat(res.sslSession().orElseThrow().getProtocol()).isIn("TLSv1.2", "TLSv1.3");
        assertThat(Files.exists(server.dataDir().resolve("tls/self-signed-cert.pem"))).isTrue();
    }

    @Test
    void plainHttpOnTheRedirectPortIsSentToHttps() throws Exception {
        int port = server.nagare().redirectPort();
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/login?next=%2Fchat")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(301);
        assertThat(res.headers().firstValue("Location"))
                .hasValue("https://127.0.0.1:" + server.nagare().port() + "/login?next=%2Fchat");
    }

    @Test
    void theRedirectGoesToTheConfiguredHostNotToTheRequestsHostHeader() throws Exception {
        String response = rawHttp(server.nagare().redirectPort(),
                "GET /login?next=%2Fchat HTTP/1.1\r\nHost: evil.example:8443\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 301");
        assertThat(header(response, "location")).isEqualTo("https://127.0.0.1:" + server.nagare().port() + "/login?next=%2Fchat");
        // An absolute-form target or a protocol-relative path cannot steer it either.
        response = rawHttp(server.nagare().redirectPort(),
                "GET http://evil.example/x HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
        assertThat(header(response, "location")).isEqualTo("https://127.0.0.1:" + server.nagare().port() + "/");
        response = rawHttp(server.nagare().redirectPort(),
                "GET //evil.example/x HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
        assertThat(header(response, "location")).isEqualTo("https://127.0.0.1:" + server.nagare().port() + "/");
    }

    @Test
    void theRedirectCarriesTheSecurityHeaders() throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.nagare().redirectPort() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(301);
        assertThat(res.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(res.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(res.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'");
        assertThat(res.headers().firstValue("Referrer-Policy")).hasValue("strict-origin-when-cross-origin");
        assertThat(res.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void tls12OffersOnlyForwardSecretAeadSuites() throws Exception {
        // A client offering only CBC suites (with SHA-1 or SHA-256 MACs) gets no handshake.
        try (SSLSocket socket = (SSLSocket) trustingContext.getSocketFactory().createSocket("127.0.0.1", server.nagare().port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            List<String> cbc = Arrays.stream(socket.getSupportedCipherSuites()).filter(s -> s.contains("_CBC_")).toList();
            assertThat(cbc).isNotEmpty();
            socket.setEnabledCipherSuites(cbc.toArray(String[]::new));
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
        // Offering everything the JDK has, TLS 1.2 settles on ECDHE with AES-GCM or ChaCha20-Poly1305.
        try (SSLSocket socket = (SSLSocket) trustingContext.getSocketFactory().createSocket("127.0.0.1", server.nagare().port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setEnabledCipherSuites(socket.getSupportedCipherSuites());
            socket.startHandshake();
            assertThat(socket.getSession().getCipherSuite()).startsWith("TLS_ECDHE_").containsAnyOf("_GCM_", "CHACHA20_POLY1305");
        }
        try (SSLSocket socket = (SSLSocket) trustingContext.getSocketFactory().createSocket("127.0.0.1", server.nagare().port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
        assertThat(HttpListener.TLS_CIPHER_SUITES).allMatch(s -> s.contains("_GCM_") || s.contains("CHACHA20_POLY1305"));
    }

    private static String rawHttp(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String header(String response, String name) {
        return response.lines().takeWhile(l -> !l.isEmpty()).filter(l -> l.toLowerCase().startsWith(name + ":"))
                .map(l -> l.substring(name.length() + 1).trim()).findFirst().orElse(null);
    }

    @Test
    void sessionCookiesAreSecureUnderTls() throws Exception {
        HttpResponse<String> page = https.send(HttpRequest.newBuilder(server.uri("/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().allValues("Set-Cookie")).allMatch(c -> c.toLowerCase().contains("secure"));
    }

    @Test
    void socketIoWorksOverWss() throws Exception {
        JsonObject r = NodeScript.run("interop.mjs", server.baseUrl(), "secure");
        assertThat(r.getString("transport")).isEqualTo("websocket");
        assertThat(r.getString("reply")).isEqualTo("over wss");
    }
}
