package dev.nagare.auth.jwt;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.nagare.auth.CredentialRefused;
import dev.nagare.auth.ExternalTokens;
import dev.nagare.auth.Principal;
import dev.nagare.auth.Revocations;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logins by JWT as the rest of Nagare sees them: {@link #find} turns a token into a principal (or a
 * {@link CredentialRefused} saying why not) and arranges for that login to end at the token's
 * {@code exp} (plus the clock skew): then {@link Revocations} fires for its credential, with the reason
 * {@value #EXPIRED}, so its sockets get {@code nagare:session-ended} and are disconnected, and its SSE,
 * MJPEG and audio streams are cut, like a logout's. A client that wants to stay connects again with a
 * fresh token (socket.io's {@code auth} callback). Should a timer be missing (more than
 * {@value #MAX_TIMERS} live tokens), {@code RevocationCheck}'s sweep ends it within 15 s.
 *
 * <p>The JWK set of {@code --jwt-jwks-url} is fetched at start and every {@code --jwt-jwks-refresh},
 * on a worker thread (the JDK's HTTP client, a timeout, a size cap); a failed fetch keeps the last good set.
 */
public final class JwtLogins implements ExternalTokens {
    private static final Logger LOG = LoggerFactory.getLogger(JwtLogins.class);
    /** The reason a login by JWT ends at its expiry. */
    public static final String EXPIRED = "token expired";
    static final int MAX_TIMERS = 100_000;

    private final Vertx vertx;
    private final Context home;
    private final JwtConfig config;
    private final JwtKeys keys;
    private final JwtVerifier verifier;
    private final Revocations revocations;
    /** Expiry timers by credential: one per live token however often it is presented. */
    private final Map<String, Long> timers = new ConcurrentHashMap<>();
    private final HttpClient http;
    private volatile long refreshTimer = -1;
    private volatile String lastKeys = "";
    private volatile boolean failing;
    private volatile boolean fetching;

    /** {@code home}: the context expiries fire on (the Socket.IO server's). */
    public JwtLogins(Vertx vertx, Context home, JwtConfig config, Revocations revocations) {
        this.vertx = vertx;
        this.home = home;
        this.config = config;
        this.keys = new JwtKeys(config);
        this.verifier = new JwtVerifier(config, keys);
        this.revocations = revocations;
        this.http = config.jwksUrl() == null ? null
                : HttpClient.newBuilder().connectTimeout(JwtConfig.JWKS_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        java.net.URI jwks = config.jwksUrl();
        if (jwks != null && "http".equals(jwks.getScheme())
                && !List.of("localhost", "127.0.0.1", "[::1]").contains(jwks.getHost())) {
            // Whoever can change the keys in transit can mint tokens: a provider's JWK set belongs behind TLS.
            LOG.warn("--jwt-jwks-url {} is plain HTTP: use https:// so that nobody on the way can swap the keys", jwks);
        }
        LOG.info("Accepting JWTs ({}) for audience '{}'{}", String.join(", ", keys.algorithms(config.jwksUrl() != null)
                .stream().map(Object::toString).sorted().toList()), config.audience(),
                config.issuer() == null ? "" : " from issuer '" + config.issuer() + "'");
    }

    /** Fetches the JWK set once (completes either way: a failure is logged) and then every refresh interval. */
    public Future<Void> start() {
        if (config.jwksUrl() == null) {
            return Future.succeededFuture();
        }
        return refresh().otherwiseEmpty().onComplete(v -> {
            if (refreshTimer == -2) {
                return; // stopped meanwhile
            }
            refreshTimer = vertx.setPeriodic(config.jwksRefresh().toMillis(), id -> refresh());
        }).mapEmpty();
    }

    public void stop() {
        long t = refreshTimer;
        refreshTimer = -2;
        if (t >= 0) {
            vertx.cancelTimer(t);
        }
        timers.values().forEach(vertx::cancelTimer);
        timers.clear();
    }

    @Override
    public boolean recognizes(String token) {
        return JwtVerifier.looksLikeJwt(token);
    }

    @Override
    public Future<Optional<Principal>> find(String token) {
        Principal p;
        try {
            p = verifier.verify(token);
        } catch (CredentialRefused e) {
            return Future.failedFuture(e);
        }
        endAtDeadline(p);
        return Future.succeededFuture(Optional.of(p));
    }

    @Override
    public boolean issued(String credential) {
        return credential != null && credential.startsWith(JwtVerifier.CREDENTIAL_PREFIX);
    }

    @Override
    public boolean alive(String credential, long nowMillis) {
        return JwtVerifier.deadlineMillis(credential) > nowMillis;
    }

    private void endAtDeadline(Principal p) {
        String credential = p.credential();
        if (timers.containsKey(credential) || timers.size() >= MAX_TIMERS) {
            return;
        }
        home.runOnContext(v -> timers.computeIfAbsent(credential, c -> {
            long delay = Math.max(1, JwtVerifier.deadlineMillis(c) - System.currentTimeMillis());
            return vertx.setTimer(delay, id -> {
                timers.remove(c);
                revocations.revoke(Revocations.Revocation.ofCredential(p.userId(), c, EXPIRED));
            });
        }));
    }

    private Future<Void> refresh() {
        if (fetching) {
            return Future.succeededFuture(); // a slow provider: one fetch at a time, never a pile of them
        }
        fetching = true;
        return vertx.executeBlocking(this::fetch, false).onComplete(ar -> fetching = false).map(set -> {
            int n = keys.replaceJwks(set);
            String ids = set.getKeys().stream().map(JWK::getKeyID).map(String::valueOf).sorted().toList().toString();
            if (!ids.equals(lastKeys) || failing) {
                LOG.info("JWK set from {}: {} signing key(s), ids {}", config.jwksUrl(), n, ids);
            }
            lastKeys = ids;
            failing = false;
            return (Void) null;
        }).onFailure(e -> {
            if (!failing) {
                LOG.warn("Could not fetch the JWK set from {} ({}); keeping the last good one, retrying every {} s",
                        config.jwksUrl(), e.getMessage(), config.jwksRefresh().toSeconds());
            }
            failing = true;
        });
    }

    /** Blocking: on a worker thread only. */
    private JWKSet fetch() throws IOException, InterruptedException, java.text.ParseException {
        HttpRequest req = HttpRequest.newBuilder(config.jwksUrl()).timeout(JwtConfig.JWKS_TIMEOUT)
                .header("Accept", "application/json").GET().build();
        HttpResponse<InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = res.body()) {
            if (res.statusCode() != 200) {
                throw new IOException("HTTP " + res.statusCode());
            }
            byte[] bytes = body.readNBytes(JwtConfig.MAX_JWKS_BYTES + 1);
            if (bytes.length > JwtConfig.MAX_JWKS_BYTES) {
                throw new IOException("larger than " + JwtConfig.MAX_JWKS_BYTES + " bytes");
            }
            return JWKSet.parse(new String(bytes, StandardCharsets.UTF_8));
        }
    }
}
