package dev.nagare.auth.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.auth.WebClient;
import dev.nagare.server.Setting;
import dev.nagare.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Login, sessions, CSRF and tokens, attack by attack, over real HTTP. */
class LoginFlowTest {
    static final String ADMIN_PASSWORD = "river stone lantern";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, ADMIN_PASSWORD));

    @Test
    void theLoginPageIsAFormWithACsrfTokenAndStrictHeaders() {
        WebClient c = new WebClient(server.baseUrl());
        HttpResponse<String> page = c.get("/login");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\" action=\"/login\"", "type=\"password\"");
        assertThat(WebClient.csrfFrom(page.body())).hasSizeGreaterThan(30);
        assertThat(WebClient.setCookies(page)).anyMatch(s -> s.startsWith("nagare_csrf=") && s.toLowerCase().contains("httponly")
                && s.contains("SameSite=Strict"));
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).doesNotContain("unsafe-inline");
    }

    @Test
    void aCorrectLoginSetsAnHttpOnlyLaxSessionCookieAndRedirects() {
        WebClient c = new WebClient(server.baseUrl());
        HttpResponse<String> res = c.login("admin", ADMIN_PASSWORD);
        assertThat(res.statusCode()).isEqualTo(303);
        assertThat(res.headers().firstValue("Location")).hasValue("/");
        assertThat(WebClient.setCookies(res)).anyMatch(s -> s.startsWith("nagare_session=") && s.toLowerCase().contains("httponly")
                && s.contains("SameSite=Lax") && s.contains("Path=/"));
        JsonObject session = new JsonObject(c.get("/api/auth/session").body());
        assertThat(session.getString("username")).isEqualTo("admin");
        assertThat(session.getString("role")).isEqualTo("admin");
        assertThat(session.getString("csrf")).hasSizeGreaterThan(30);
    }

    @Test
    void aWrongPasswordGetsAGenericErrorThatDoesNotRevealWhetherTheUserExists() {
        WebClient c = new WebClient(server.baseUrl());
        HttpResponse<String> wrongPassword = c.login("admin", "not the password");
        HttpResponse<String> noSuchUser = c.login("nobody-here", "not the password");
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        assertThat(noSuchUser.statusCode()).isEqualTo(401);
        assertThat(wrongPassword.body()).contains("Wrong user name or password.");
        assertThat(noSuchUser.body()).contains("Wrong user name or password.");
        assertThat(c.cookies).doesNotContainKey("nagare_session");
        c.login("admin", ADMIN_PASSWORD); // clears this address's failures for the other tests
    }

    @Test
    void aLoginFormPostedWithoutItsCsrfTokenIsRejected() {
        WebClient c = new WebClient(server.baseUrl());
        c.loginFormToken();
        HttpResponse<String> res = c.postForm("/login", Map.of("username", "admin", "password", ADMIN_PASSWORD));
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(c.cookies).doesNotContainKey("nagare_session");
        // A token from another browser (another cookie) does not help either.
        String foreign = new WebClient(server.baseUrl()).loginFormToken();
        res = c.postForm("/login", Map.of("username", "admin", "password", ADMIN_PASSWORD, "csrf", foreign));
        assertThat(res.statusCode()).isEqualTo(403);
    }

    @Test
    void sessionFixationFailsBecauseLoginIssuesAFreshSessionId() {
        WebClient victim = new WebClient(server.baseUrl());
        String planted = "attacker-chosen-session-id-0123456789abcdef";
        victim.cookies.put("nagare_session", planted);
        assertThat(victim.login("admin", ADMIN_PASSWORD).statusCode()).isEqualTo(303);
        assertThat(victim.cookies.get("nagare_session")).isNotEqualTo(planted);

        WebClient attacker = new WebClient(server.baseUrl());
        attacker.cookies.put("nagare_session", planted);
        assertThat(new JsonObject(attacker.get("/api/auth/session").body()).getBoolean("authenticated")).isFalse();
    }

    @Test
    void logoutNeedsTheCsrfTokenAndThenEndsTheSessionOnTheServer() {
        WebClient c = new WebClient(server.baseUrl());
        c.login("admin", ADMIN_PASSWORD);
        String stolenCookie = c.cookies.get("nagare_session");
        String csrf = new JsonObject(c.get("/api/auth/session").body()).getString("csrf");

        assertThat(c.postForm("/logout", Map.of()).statusCode()).isEqualTo(403);
        assertThat(c.postForm("/logout", Map.of("csrf", "wrong")).statusCode()).isEqualTo(403);
        assertThat(new JsonObject(c.get("/api/auth/session").body()).getBoolean("authenticated")).isTrue();

        assertThat(c.postForm("/logout", Map.of("csrf", csrf)).statusCode()).isEqualTo(303);
        WebClient replay = new WebClient(server.baseUrl());
        replay.cookies.put("nagare_session", stolenCookie);
        assertThat(new JsonObject(replay.get("/api/auth/session").body()).getBoolean("authenticated")).isFalse();
    }

    @Test
    void aBearerTokenFromTheTokenEndpointAuthenticatesApiCalls() {
        WebClient c = new WebClient(server.baseUrl());
        HttpResponse<String> res = c.postJson("/api/auth/token",
                new JsonObject().put("username", "admin").put("password", ADMIN_PASSWORD).encode());
        assertThat(res.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(res.body());
        assertThat(body.getString("token")).startsWith("ngr_");
        assertThat(body.getString("tokenType")).isEqualTo("Bearer");
        assertThat(body.getLong("expiresAt")).isGreaterThan(System.currentTimeMillis());

        HttpResponse<String> session = c.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(server.baseUrl() + "/api/auth/session"))
                .header("Authorization", "Bearer " + body.getString("token")));
        assertThat(new JsonObject(session.body()).getString("username")).isEqualTo("admin");
    }

    @Test
    void theTokenEndpointRejectsBadCredentialsAndMalformedBodiesWithJsonReasons() {
        WebClient c = new WebClient(server.baseUrl());
        HttpResponse<String> bad = c.postJson("/api/auth/token", "{\"username\":\"admin\",\"password\":\"nope nope\"}");
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(bad.body()).getString("error")).isEqualTo("unauthorized");
        HttpResponse<String> malformed = c.postJson("/api/auth/token", "{\"username\": 5}");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(malformed.body()).getString("message")).contains("Expected JSON");
        c.login("admin", ADMIN_PASSWORD);
    }

    @Test
    void registrationIsClosedByDefault() {
        WebClient c = new WebClient(server.baseUrl());
        // Closed, /register shows no form: a scripted post with a valid form token (the login form's) is refused.
        assertThat(c.get("/register").body()).doesNotContain("<form");
        String csrf = WebClient.csrfFrom(c.get("/login").body());
        HttpResponse<String> res = c.postForm("/register",
                Map.of("username", "mallory", "password", "river stone lantern 2", "csrf", csrf));
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).contains("Registration is closed");
    }

    @Test
    void aNextWithAControlOrNonAsciiCharacterLogsInToTheHomePageAndLeavesNoOrphanSession() throws Exception {
        for (String next : new String[] {"/chat\u007f", "/\u007f", "/caf\u00e9", "/a b", "/x\r\nSet-Cookie: a=b"}) {
            long before = sessionRows();
            WebClient c = new WebClient(server.baseUrl());
            String csrf = c.loginFormToken();
            HttpResponse<String> res = c.postForm("/login", Map.of("username", "admin", "password", ADMIN_PASSWORD,
                    "csrf", csrf, "next", next));
            assertThat(res.statusCode()).as(next).isEqualTo(303);
            assertThat(res.headers().firstValue("Location")).as(next).hasValue("/");
            assertThat(sessionRows()).as("one session, the one in the cookie").isEqualTo(before + 1);
            assertThat(new JsonObject(c.get("/api/auth/session").body()).getBoolean("authenticated")).isTrue();
        }
        // and the form carries "/" onwards, not the bad value
        HttpResponse<String> page = new WebClient(server.baseUrl()).get("/login?next=%2Fchat%7F");
        assertThat(page.body()).contains("name=\"next\" value=\"/\"");
    }

    @Test
    void aSuccessfulLoginMarksTheBrowserWithAStrictDeviceCookie() {
        WebClient c = new WebClient(server.baseUrl());
        HttpResponse<String> res = c.login("admin", ADMIN_PASSWORD);
        assertThat(WebClient.setCookies(res)).anyMatch(s -> s.startsWith(DeviceCookies.NAME + "=")
                && s.toLowerCase().contains("httponly") && s.contains("SameSite=Strict") && s.contains("Path=/login"));
    }

    private static long sessionRows() throws Exception {
        return server.nagare().store().transact(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM sessions")) {
                rs.next();
                return rs.getLong(1);
            }
        }).await(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void nextRedirectsStayOnThisSite() {
        assertThat(LoginPages.safeNext("/chat")).isEqualTo("/chat");
        assertThat(LoginPages.safeNext("/chat?room=general&x=%7F")).isEqualTo("/chat?room=general&x=%7F");
        assertThat(LoginPages.safeNext("/chat\u007f")).isEqualTo("/");
        assertThat(LoginPages.safeNext("/caf\u00e9")).isEqualTo("/");
        assertThat(LoginPages.safeNext("/a b")).isEqualTo("/");
        assertThat(LoginPages.safeNext("/\tevil")).isEqualTo("/");
        assertThat(LoginPages.safeNext("//evil.example/x")).isEqualTo("/");
        assertThat(LoginPages.safeNext("https://evil.example")).isEqualTo("/");
        assertThat(LoginPages.safeNext("/\\evil.example")).isEqualTo("/");
        assertThat(LoginPages.safeNext(null)).isEqualTo("/");
    }
}
