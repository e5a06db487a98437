package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.testing.NodeScript;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
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
