package dev.nagare.auth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A tiny browser-like HTTP client for auth tests: keeps cookies by hand, never follows redirects. */
public final class WebClient {
    private static final Pattern HIDDEN_CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    final String base;
    public final Map<String, String> cookies = new LinkedHashMap<>();
    /** Sent as X-Forwarded-For when set: the client's address, for a server that trusts 127.0.0.1 as a proxy. */
    public String forwardedFor;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).build();

    public WebClient(String base) {
        this.base = base;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public HttpResponse<String> postForm(String path, Map<String, String> fields) {
        String body = fields.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> postJson(String path, String json, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    public HttpResponse<String> send(HttpRequest.Builder b) {
        if (forwardedFor != null) {
            b.header("X-Forwarded-For", forwardedFor);
        }
        if (!cookies.isEmpty()) {
            b.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        try {
            HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            for (String set : res.headers().allValues("Set-Cookie")) {
                String pair = set.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq);
                String value = pair.substring(eq + 1);
                if (value.isEmpty() || set.toLowerCase().contains("max-age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            return res;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Loads the login page and returns its form CSRF token. */
    public String loginFormToken() {
        return csrfFrom(get("/login").body());
    }

    public static String csrfFrom(String html) {
        Matcher m = HIDDEN_CSRF.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no csrf field in:\n" + html);
        }
        return m.group(1);
    }

    /** The session's CSRF token, from /api/auth/session. */
    public String sessionCsrf() {
        return new io.vertx.core.json.JsonObject(get("/api/auth/session").body()).getString("csrf");
    }

    /** Logs out (with the session's CSRF token); returns the response. */
    public HttpResponse<String> logout() {
        return postForm("/logout", Map.of("csrf", sessionCsrf()));
    }

    public HttpResponse<String> login(String username, String password) {
        String csrf = loginFormToken();
        return postForm("/login", Map.of("username", username, "password", password, "csrf", csrf, "next", "/"));
    }

    public static List<String> setCookies(HttpResponse<?> res) {
        return res.headers().allValues("Set-Cookie");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
