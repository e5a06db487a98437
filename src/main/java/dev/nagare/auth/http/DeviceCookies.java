package dev.nagare.auth.http;

import dev.nagare.auth.Secrets;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): proof that this
 * browser logged in to an account before, so that {@code LoginThrottle} lets it past the limits
 * that guessing from elsewhere has triggered. The value is a nonce and its HMAC over the account.
 */
final class DeviceCookies {
    static final String NAME = "nagare_device";
    private static final long MAX_AGE_SECONDS = 180L * 24 * 3600;

    // Per process: after a restart a browser is trusted again from its next successful login (until
    // then only the account-wide and address limits apply to it, as to anyone).
    private final byte[] key = Secrets.random(32).getBytes(StandardCharsets.US_ASCII);
    private final boolean secure;

    DeviceCookies(boolean secure) {
        this.secure = secure;
    }

    /** A cookie proving that this browser logged in to {@code username}. */
    Cookie issue(String username) {
        String nonce = Secrets.random(16);
        return Cookie.cookie(NAME, nonce + "." + mac(username, nonce)).setHttpOnly(true)
                .setPath("/login").setSameSite(CookieSameSite.STRICT).setSecure(secure)
                .setMaxAge(MAX_AGE_SECONDS);
    }

    boolean trusted(RoutingContext ctx, String username) {
        String value = HttpGuard.cookieValue(ctx, NAME);
        int dot = value == null || value.length() > 128 ? -1 : value.indexOf('.');
        return dot > 0 && Secrets.same(value.substring(dot + 1), mac(username, value.substring(0, dot)));
    }

    private String mac(String username, String nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal((username.toLowerCase(Locale.ROOT) + "\n" + nonce).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
