package dev.nagare.server;

import static dev.nagare.server.ConfigResolver.firstLine;
import static dev.nagare.server.ConfigResolver.invalid;
import static dev.nagare.server.ConfigResolver.number;
import static dev.nagare.server.ConfigResolver.text;

import dev.nagare.auth.jwt.JwtConfig;
import dev.nagare.auth.jwt.JwtKeys;
import dev.nagare.hooks.HookConfig;
import dev.nagare.server.ConfigResolver.Raw;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings that hand part of the decisions to other services, resolved for {@link ConfigResolver}:
 * the identity provider whose JWTs are accepted ({@code --jwt-*}) and the proxy hooks ({@code --proxy-*}).
 */
final class ExternalSettings {
    private ExternalSettings() {
    }

    /**
     * The JWTs to accept, null for none; keys are read now, so that a bad file stops the start with
     * its reason. Without a key, another --jwt- setting is refused (it would silently do nothing).
     */
    static JwtConfig jwt(Map<Setting, Raw> raw) {
        Raw secretFile = raw.get(Setting.JWT_HMAC_SECRET_FILE);
        Raw publicKey = raw.get(Setting.JWT_PUBLIC_KEY);
        Raw jwks = raw.get(Setting.JWT_JWKS_URL);
        if (secretFile == null && publicKey == null && jwks == null) {
            for (Setting s : List.of(Setting.JWT_ISSUER, Setting.JWT_AUDIENCE, Setting.JWT_ADMIN_SCOPE)) {
                if (raw.containsKey(s)) {
                    throw new ConfigException(s.option() + " (from " + raw.get(s).source() + ") needs a key to check"
                            + " tokens with: set --jwt-hmac-secret-file, --jwt-public-key or --jwt-jwks-url.");
                }
            }
            return null;
        }
        byte[] secret = null;
        if (secretFile != null) {
            secret = firstLine(Setting.JWT_HMAC_SECRET_FILE, secretFile).getBytes(StandardCharsets.UTF_8);
            if (secret.length < 32) {
                throw invalid(Setting.JWT_HMAC_SECRET_FILE, secretFile, "its first line must hold a secret of at least"
                        + " 32 bytes (HS256 needs 256 bits), e.g. from 'openssl rand -hex 32'");
            }
        }
        List<java.security.PublicKey> keys = List.of();
        if (publicKey != null) {
            try {
                keys = JwtKeys.readPublicKeys(Path.of(publicKey.value()));
            } catch (IllegalArgumentException e) { // an unusable path too
                throw invalid(Setting.JWT_PUBLIC_KEY, publicKey, e.getMessage());
            }
        }
        URI jwksUrl = httpUrl(raw, Setting.JWT_JWKS_URL);
        Raw audience = raw.get(Setting.JWT_AUDIENCE);
        if (audience == null || audience.value().isBlank()) {
            throw new ConfigException("--jwt-audience is required with --jwt-hmac-secret-file, --jwt-public-key or"
                    + " --jwt-jwks-url: the value a token's aud must contain, so that tokens minted for other services are refused.");
        }
        Raw issuer = raw.get(Setting.JWT_ISSUER);
        Raw admin = raw.get(Setting.JWT_ADMIN_SCOPE);
        return new JwtConfig(secret, keys, jwksUrl,
                Duration.ofSeconds(number(raw, Setting.JWT_JWKS_REFRESH, 1, 86_400)),
                issuer == null || issuer.value().isBlank() ? null : issuer.value().strip(),
                audience.value().strip(), text(raw, Setting.JWT_RIGHTS_CLAIM), text(raw, Setting.JWT_NAME_CLAIM),
                admin == null || admin.value().isBlank() ? null : admin.value().strip(),
                Duration.ofSeconds(number(raw, Setting.JWT_CLOCK_SKEW, 0, 600)));
    }

    /** The proxy hooks, null when neither URL is set. */
    static HookConfig hooks(Map<Setting, Raw> raw) {
        URI connect = httpUrl(raw, Setting.PROXY_CONNECT_URL);
        URI publish = httpUrl(raw, Setting.PROXY_PUBLISH_URL);
        Raw failure = raw.get(Setting.PROXY_FAILURE);
        boolean open = switch (failure.value().trim().toLowerCase(Locale.ROOT)) {
            case "allow" -> true;
            case "refuse" -> false;
            default -> throw invalid(Setting.PROXY_FAILURE, failure, "expected refuse or allow");
        };
        Duration timeout = Duration.ofMillis(number(raw, Setting.PROXY_TIMEOUT, 10, 60_000));
        return connect == null && publish == null ? null : new HookConfig(connect, publish, timeout, open);
    }

    /** An http:// or https:// URL setting, or null when unset. */
    static URI httpUrl(Map<Setting, Raw> raw, Setting s) {
        Raw r = raw.get(s);
        if (r == null) {
            return null;
        }
        URI url;
        try {
            url = new URI(r.value().strip());
        } catch (URISyntaxException e) {
            url = null;
        }
        if (url == null || !("https".equals(url.getScheme()) || "http".equals(url.getScheme())) || url.getHost() == null) {
            throw invalid(s, r, "expected an http:// or https:// URL");
        }
        return url;
    }
}
