package dev.nagare.apps.chat;

import dev.nagare.web.SecurityHeaders;
import dev.nagare.web.StaticAssets;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chat pages: {@code /chat} (ours) and {@code /seed/chat} (the guide's index.html, unchanged but
 * for the script URL and the navigation bar every app page has). Who may open them is the server's
 * one rule for app pages ({@code server/AppPages}).
 *
 * <p>The guide's page has an inline script. Rather than weaken the CSP with 'unsafe-inline', that
 * page alone gets the script's SHA-256 hash in script-src (CSP Level 2 hash source): that exact
 * script runs, and nothing injected could.
 */
public final class ChatRoutes {
    static final String SEED_PAGE = "web/seed/chat.html";
    private static final Pattern INLINE_SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);

    private final String seedPolicy;

    public ChatRoutes() {
        this.seedPolicy = SecurityHeaders.CONTENT_SECURITY_POLICY.replace("script-src 'self'",
                "script-src 'self' '" + inlineScriptHash(SEED_PAGE) + "'");
    }

    public void mount(Router router, StaticAssets assets) {
        router.get("/chat").handler(assets.page("web/chat/index.html"));
        router.get("/seed/chat").handler(ctx -> {
            ctx.response().putHeader("Content-Security-Policy", seedPolicy);
            ctx.next();
        }).handler(assets.page(SEED_PAGE));
    }

    /** {@code sha256-<base64>} of the page's first inline script, exactly as the browser hashes it. */
    static String inlineScriptHash(String resource) {
        try (InputStream in = ChatRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            Matcher m = INLINE_SCRIPT.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new IllegalStateException("no inline script in " + resource);
            }
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash the inline script of " + resource, e);
        }
    }
}
