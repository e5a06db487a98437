package dev.nagare.server;

import dev.nagare.web.SecurityHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** How the server listens: HTTP limits, TLS (protocols, suites, certificates) and the plain-HTTP redirect. */
final class HttpListener {
    /**
     * Forward-secret AEAD suites only (Mozilla's "intermediate" profile): TLS 1.3's three, and for
     * TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305, for ECDSA and RSA certificates. No CBC, no
     * SHA-1 MAC, no static RSA key exchange.
     */
    static final List<String> TLS_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private HttpListener() {
    }

    static HttpServerOptions options(ServerConfig config) {
        HttpServerOptions options = new HttpServerOptions();
        if (config.tls()) {
            Path cert = config.tlsCert();
            Path key = config.tlsKey();
            if (config.tlsSelfSigned()) {
                try {
                    DevCertificate.PemFiles dev = DevCertificate.ensure(config.dataDir());
                    cert = dev.cert();
                    key = dev.key();
                } catch (java.io.IOException e) {
                    throw new StartupException("Cannot create the self-signed certificate: " + e.getMessage(), e);
                }
            }
            for (Path p : new Path[] {cert, key}) {
                if (!java.nio.file.Files.isReadable(p)) {
                    throw new StartupException("Cannot read " + p + " (from --tls-cert/--tls-key).", null);
                }
            }
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()))
                    // TLS 1.2 and later only.
                    .setEnabledSecureTransportProtocols(java.util.Set.of("TLSv1.2", "TLSv1.3"));
            TLS_CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
        }
        return options
                .setIdleTimeout((int) config.idleTimeout().toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setMaxInitialLineLength(4096)
                .setMaxHeaderSize(8192)
                .setMaxFormAttributeSize(8192)
                .setCompressionSupported(false) // static files are pre-compressed; streams must not be buffered
                // Vert.x accepts permessage-deflate by default and every browser offers it: each frame would
                // then be compressed per receiver. Off unless asked for, as in the reference server.
                .setPerMessageWebSocketCompressionSupported(config.websocketCompression())
                .setPerFrameWebSocketCompressionSupported(config.websocketCompression())
                .setMaxWebSocketFrameSize(config.maxPayload() + 16)
                .setMaxWebSocketMessageSize(config.maxPayload() + 16)
                // No HTTP/2 prior-knowledge detection: it delays the connection handler (ConnectionGuard)
                // until a client sends its first bytes, so silent connections would go uncounted.
                .setHttp2ClearTextEnabled(false)
                .setTcpNoDelay(true);
    }

    /**
     * The plain-HTTP port's only answer: 301 to the same path on {@code baseUrl}, the configured
     * host and port. Never the request's Host header: echoing it would let anyone choose where the
     * redirect goes (cache poisoning, phishing links). With the usual security headers.
     */
    static void redirectToHttps(HttpServerRequest req, String baseUrl) {
        String uri = req.uri();
        if (uri == null || !uri.startsWith("/") || uri.startsWith("//") || uri.length() > 2048
                || uri.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            uri = "/";
        }
        HttpServerResponse res = req.response();
        SecurityHeaders.apply(res.headers());
        res.setStatusCode(301)
                .putHeader("Location", baseUrl + uri)
                .putHeader("Cache-Control", "no-store")
                .putHeader("Content-Length", "0")
                .end();
    }
}
