package dev.nagare.web;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * Serves files from the classpath. Each file is read once (on a worker), kept in memory with a
 * strong ETag and, for text, a gzip copy; no file cache on disk and no per-request compression.
 *
 * <p>Cache policy: pages and our own assets use unversioned URLs, so they are {@code no-cache}
 * (revalidated by ETag, answered 304 when unchanged); files under a versioned path (vendor bundles)
 * are {@code immutable} for a year.
 */
public final class StaticAssets {
    public enum CachePolicy { REVALIDATE, IMMUTABLE }

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    private static final int GZIP_MIN_BYTES = 512;
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("map", "application/json; charset=utf-8"),
            Map.entry("json", "application/json; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("wasm", "application/wasm"));

    /** One loaded file; immutable once built. */
    private record Asset(Buffer body, Buffer gzip, String contentType, String etag) {
    }

    private final Vertx vertx;
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    public StaticAssets(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Serves one fixed classpath resource, e.g. {@code page("web/index.html")}. */
    public Handler<RoutingContext> page(String resource) {
        return ctx -> serve(ctx, resource, CachePolicy.REVALIDATE);
    }

    /**
     * Serves {@code resourceDir/<rest>} for a route mounted as {@code prefix + "*"}. Only plain file
     * names are served: every segment must match {@link #SEGMENT} and the last must have an extension
     * we know; anything else is a 404 before the classpath is touched.
     */
    public Handler<RoutingContext> directory(String prefix, String resourceDir, CachePolicy policy) {
        return ctx -> {
            String path = ctx.normalizedPath();
            if (!path.startsWith(prefix)) {
                ctx.next();
                return;
            }
            String rest = path.substring(prefix.length());
            if (!safe(rest)) {
                ctx.next();
                return;
            }
            serve(ctx, resourceDir + "/" + rest, policy);
        };
    }

    static boolean safe(String relative) {
        if (relative.isEmpty() || relative.length() > 512) {
            return false;
        }
        String[] segments = relative.split("/", -1);
        for (String s : segments) {
            if (!SEGMENT.matcher(s).matches()) {
                return false;
            }
        }
        return TYPES.containsKey(extension(segments[segments.length - 1]));
    }

    private void serve(RoutingContext ctx, String resource, CachePolicy policy) {
        if (ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD) {
            ctx.next();
            return;
        }
        Asset cached = cache.get(resource);
        if (cached != null) {
            send(ctx, cached, policy);
            return;
        }
        Future<Asset> loaded = vertx.executeBlocking(() -> load(resource), false);
        loaded.onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result() == null) {
                ctx.next(); // not a file: fall through to the 404 handler
            } else {
                cache.putIfAbsent(resource, ar.result());
                send(ctx, ar.result(), policy);
            }
        });
    }

    private static void send(RoutingContext ctx, Asset asset, CachePolicy policy) {
        HttpServerResponse res = ctx.response();
        res.putHeader(HttpHeaders.CACHE_CONTROL, policy == CachePolicy.IMMUTABLE
                ? "public, max-age=31536000, immutable" : "no-cache");
        res.putHeader(HttpHeaders.ETAG, asset.etag());
        res.putHeader(HttpHeaders.VARY, "Accept-Encoding");
        String ifNoneMatch = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch != null && (ifNoneMatch.contains(asset.etag()) || ifNoneMatch.trim().equals("*"))) {
            res.setStatusCode(304).end();
            return;
        }
        res.putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType());
        Buffer body = asset.body();
        if (asset.gzip() != null && acceptsGzip(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING))) {
            res.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
            body = asset.gzip();
        }
        if (ctx.request().method() == HttpMethod.HEAD) {
            res.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length())).end();
        } else {
            res.end(body);
        }
    }

    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
            String[] kv = part.trim().split(";");
            if (kv[0].trim().equals("gzip")) {
                return !(kv.length > 1 && kv[1].replace(" ", "").matches("q=0(\\.0*)?"));
            }
        }
        return false;
    }

    private static Asset load(String resource) throws IOException {
        byte[] bytes;
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            bytes = in.readAllBytes();
        }
        String type = TYPES.getOrDefault(extension(resource), "application/octet-stream");
        Buffer gzip = null;
        if (bytes.length >= GZIP_MIN_BYTES && (type.startsWith("text/") || type.startsWith("application/json")
                || type.startsWith("image/svg") || type.startsWith("application/wasm"))) {
            byte[] zipped = gzip(bytes);
            if (zipped.length < bytes.length) {
                gzip = Buffer.buffer(zipped);
            }
        }
        return new Asset(Buffer.buffer(bytes), gzip, type, etag(bytes));
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 22) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
