package dev.nagare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nagare.testing.RedisServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node joins a cluster whose Redis wants TLS and a password ({@code rediss://}, --cluster-ca,
 * --cluster-password-file): it is ready over TLS with the right password; a wrong password or an
 * untrusted certificate stops the start with a plain reason (settings, not an outage: waiting would
 * not mend them), and a password in the URL is refused before anything starts.
 */
class ClusterTlsTest {
    private static RedisServer redis;
    private static Path certs;
    private static int tlsPort;

    @BeforeAll
    static void tlsRedis() throws Exception {
        certs = Files.createTempDirectory("nagare-redis-tls");
        DevCertificate.PemFiles pem = DevCertificate.ensure(certs);
        try (ServerSocket s = new ServerSocket(0)) {
            tlsPort = s.getLocalPort();
        }
        redis = RedisServer.start(List.of("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", pem.cert().toString(),
                "--tls-key-file", pem.key().toString(), "--tls-ca-cert-file", pem.cert().toString(),
                "--tls-auth-clients", "no", "--requirepass", "tide pool anchor"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    private static Nagare node(String passwordFileContent) throws Exception {
        Path file = Files.createTempFile(certs, "pw", ".txt");
        Files.writeString(file, passwordFileContent + "\n");
        return Nagare.create(ConfigResolver.resolve(Map.of(Setting.CLUSTER, "rediss://localhost:" + tlsPort,
                        Setting.CLUSTER_CA, certs.resolve("tls/self-signed-cert.pem").toString(),
                        Setting.CLUSTER_PASSWORD_FILE, file.toString(), Setting.APPS, "none"), Map.of())
                .withPort(0).withDataDir(Files.createTempDirectory(certs, "node"))).start();
    }

    private static HttpResponse<String> ready(Nagare n) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(n.baseUrl() + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void overTlsWithTheRightPasswordTheNodeIsReady() throws Exception {
        Nagare n = node("tide pool anchor");
        try {
            HttpResponse<String> r = ready(n);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("\"cluster\":\"UP\"");
        } finally {
            n.stop();
        }
    }

    @Test
    void aWrongPasswordStopsTheStartWithAPlainReasonThatDoesNotShowIt() {
        assertThatThrownBy(() -> node("not the password"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("refused this node").hasMessageContaining("WRONGPASS")
                .hasMessageContaining("--cluster-password-file")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not the password"));
    }

    @Test
    void aCertificateNotSignedByTheGivenAuthorityStopsTheStart() throws Exception {
        Path other = DevCertificate.ensure(Files.createTempDirectory(certs, "other")).cert();
        Path file = Files.createTempFile(certs, "pw", ".txt");
        Files.writeString(file, "tide pool anchor\n");
        assertThatThrownBy(() -> Nagare.create(ConfigResolver.resolve(Map.of(Setting.CLUSTER, "rediss://localhost:" + tlsPort,
                        Setting.CLUSTER_CA, other.toString(), Setting.CLUSTER_PASSWORD_FILE, file.toString(),
                        Setting.APPS, "none"), Map.of())
                .withPort(0).withDataDir(Files.createTempDirectory(certs, "node"))).start())
                .isInstanceOf(StartupException.class).hasMessageContaining("refused this node");
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.CLUSTER, "redis://user:s3cret@localhost:6379"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("NAGARE_CLUSTER_PASSWORD")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
        assertThatThrownBy(() -> ConfigResolver.resolve(Map.of(Setting.CLUSTER, "http://localhost:6379"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("use redis://HOST:PORT or rediss://HOST:PORT");
    }
}
