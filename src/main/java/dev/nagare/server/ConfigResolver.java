package dev.nagare.server;

import dev.nagare.adapter.ClusterConfig;
import dev.nagare.apps.chat.ChatConfig;
import dev.nagare.apps.feed.FeedConfig;
import dev.nagare.apps.feed.FeedSpec;
import dev.nagare.apps.game.GameConfig;
import dev.nagare.sse.SseConfig;
import dev.nagare.media.FfmpegInput;
import dev.nagare.media.audio.EncoderConfig;
import dev.nagare.media.audio.MicSpec;
import dev.nagare.store.StoreConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns flags, environment and an optional YAML file into a {@link ServerConfig}.
 * Precedence: flags > environment ({@code NAGARE_*}) > config file > built-in default.
 * Every error names the setting and the source of the bad value.
 */
public final class ConfigResolver {
    /** Built on the first config file read: most starts have none, and a YAML mapper costs a start ~100 classes. */
    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());
    }

    private ConfigResolver() {
    }

    /** A raw value and a human description of where it came from. */
    record Raw(String value, String source) {
    }

    public static ServerConfig resolve(Map<Setting, String> flags, Map<String, String> env) {
        Map<Setting, Raw> raw = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            if (s.defaultValue() != null) {
                raw.put(s, new Raw(s.defaultValue(), "the default"));
            }
        }
        Raw configPath = pick(Setting.CONFIG, flags, env);
        if (configPath != null) {
            readFile(configPath, raw);
        }
        for (Setting s : Setting.values()) {
            Raw r = pick(s, flags, env);
            if (r != null) {
                raw.put(s, r);
            }
        }
        ServerConfig config = new ServerConfig(
                text(raw, Setting.HOST),
                (int) number(raw, Setting.PORT, 0, 65535),
                path(raw, Setting.DATA_DIR),
                logFormat(raw),
                bool(raw, Setting.ACCESS_LOG),
                number(raw, Setting.MAX_BODY, 1024, 1L << 30),
                Duration.ofSeconds(number(raw, Setting.IDLE_TIMEOUT, 1, 86_400)),
                Duration.ofSeconds(number(raw, Setting.SHUTDOWN_TIMEOUT, 0, 3_600)),
                Duration.ofSeconds(number(raw, Setting.DRAIN_DELAY, 0, 3_600)),
                origins(raw),
                number(raw, Setting.PING_INTERVAL, 100, 3_600_000),
                number(raw, Setting.PING_TIMEOUT, 100, 3_600_000),
                (int) number(raw, Setting.MAX_PAYLOAD, 1024, 100_000_000),
                (int) number(raw, Setting.MAX_CONNECTIONS, 1, 10_000_000),
                (int) number(raw, Setting.MAX_MESSAGE_RATE, 1, 10_000_000),
                registration(raw),
                bool(raw, Setting.GUESTS),
                raw.containsKey(Setting.ADMIN_PASSWORD) ? raw.get(Setting.ADMIN_PASSWORD).value() : null,
                optionalPath(raw, Setting.TLS_CERT),
                optionalPath(raw, Setting.TLS_KEY),
                bool(raw, Setting.TLS_SELF_SIGNED),
                raw.containsKey(Setting.HTTP_REDIRECT_PORT)
                        ? (int) number(raw, Setting.HTTP_REDIRECT_PORT, 0, 65535) : null,
                addresses(raw, Setting.TRUSTED_PROXIES),
                (int) number(raw, Setting.CONNECT_RATE, 1, 1_000_000),
                (int) number(raw, Setting.WRITE_WINDOW, 0, 1000),
                bool(raw, Setting.WEBSOCKET_COMPRESSION),
                (int) number(raw, Setting.UPGRADE_HOLD, 0, 1000),
                MediaSettings.video(raw),
                ffmpegStream(raw, Setting.AUDIO_FFMPEG),
                new ChatConfig(
                        (int) number(raw, Setting.CHAT_MAX_LENGTH, 1, 100_000),
                        (int) number(raw, Setting.CHAT_HISTORY, 0, 200),
                        number(raw, Setting.CHAT_RATE, 1, 1_000_000),
                        (int) number(raw, Setting.CHAT_MAX_ROOMS, 1, 10_000),
                        (int) number(raw, Setting.CHAT_ROOM_MEMBERS, 2, 10_000_000),
                        ChatConfig.defaults().recovery(),
                        number(raw, Setting.CHAT_ROOM_RATE, 1, 10_000),
                        (int) number(raw, Setting.CHAT_ROOMS_CREATED, 1, 10_000),
                        Duration.ofSeconds(number(raw, Setting.CHAT_ROOM_IDLE, 1, 30L * 86_400))),
                feeds(raw),
                new GameConfig(
                        (int) number(raw, Setting.GAME_TICK_HZ, 5, 120),
                        (int) number(raw, Setting.GAME_MAX_PLAYERS, 2, 1000),
                        (int) number(raw, Setting.GAME_BOTS, 0, 50),
                        GameConfig.defaults().grace()),
                audioMic(raw),
                (int) number(raw, Setting.AUDIO_OPUS_BITRATE, 6_000, 510_000),
                (int) number(raw, Setting.AUDIO_TONE_HZ, 20, 20_000),
                new ServerConfig.ConnectionLimits(
                        (int) number(raw, Setting.MAX_TCP_CONNECTIONS, 0, 10_000_000),
                        (int) number(raw, Setting.MAX_CONNECTIONS_PER_ADDRESS, 0, 10_000_000),
                        Duration.ofSeconds(number(raw, Setting.REQUEST_TIMEOUT, 1, 3_600)),
                        (int) number(raw, Setting.MAX_STREAMS_PER_USER, 0, 1_000_000)),
                sse(raw),
                new FeedConfig(number(raw, Setting.FEED_MAX_SKEW, 0, 86_400_000),
                        (int) number(raw, Setting.FEED_HISTORY_REQUESTS, 1, 1000),
                        number(raw, Setting.FEED_HISTORY_RATE, 1, 100_000)),
                Duration.ofSeconds(number(raw, Setting.VIDEO_STALL_TIMEOUT, 1, 3_600)),
                store(raw),
                cluster(raw),
                apps(raw),
                bool(raw, Setting.ADMIN_UI),
                ExternalSettings.jwt(raw),
                ExternalSettings.hooks(raw),
                publicStreams(raw),
                new EncoderConfig((int) number(raw, Setting.AUDIO_MP3_BITRATE, 32_000, 320_000),
                        (int) number(raw, Setting.AUDIO_SOURCE_MAX_BITRATE, 16_000, 10_000_000),
                        Duration.ofSeconds(number(raw, Setting.AUDIO_SOURCE_IDLE_TIMEOUT, 1, 3_600))),
                raw.containsKey(Setting.MANAGEMENT_PORT)
                        ? new ServerConfig.Management((int) number(raw, Setting.MANAGEMENT_PORT, 0, 65535),
                                text(raw, Setting.MANAGEMENT_HOST))
                        : null,
                eventLoops((int) number(raw, Setting.EVENT_LOOPS, 0, 1024)));
        checkTls(config, raw);
        return config;
    }

    private static StoreConfig store(Map<Setting, Raw> raw) {
        Raw url = raw.get(Setting.STORE);
        String password = secret(raw, Setting.STORE_PASSWORD, Setting.STORE_PASSWORD_FILE);
        try {
            return StoreConfig.parse(url.value(), path(raw, Setting.DATA_DIR), password,
                    (int) number(raw, Setting.STORE_POOL, 1, 1000));
        } catch (IllegalArgumentException e) {
            // Not the value itself: a URL may carry a password.
            throw new ConfigException("Invalid value for store (from " + url.source() + "): " + e.getMessage() + ".");
        }
    }

    private static ClusterConfig cluster(Map<Setting, Raw> raw) {
        Raw url = raw.get(Setting.CLUSTER);
        if (url == null || url.value().isBlank()) {
            return null;
        }
        String password = secret(raw, Setting.CLUSTER_PASSWORD, Setting.CLUSTER_PASSWORD_FILE);
        Raw ca = raw.get(Setting.CLUSTER_CA);
        if (ca != null && !java.nio.file.Files.isReadable(Path.of(ca.value()))) {
            throw invalid(Setting.CLUSTER_CA, ca, "cannot read it");
        }
        try {
            return new ClusterConfig(url.value().strip(), password, ca == null ? null : Path.of(ca.value()),
                    raw.get(Setting.CLUSTER_KEY).value(),
                    Duration.ofMillis(number(raw, Setting.CLUSTER_REQUESTS_TIMEOUT, 100, 600_000)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid value for cluster (from " + url.source() + "): " + e.getMessage() + ".");
        }
    }

    /** A password from its setting, or else the first line of its file setting; null when neither is set. */
    private static String secret(Map<Setting, Raw> raw, Setting value, Setting file) {
        if (raw.containsKey(value)) {
            return raw.get(value).value();
        }
        Raw f = raw.get(file);
        return f == null ? null : firstLine(file, f);
    }

    static String firstLine(Setting file, Raw f) {
        try {
            java.util.List<String> lines = java.nio.file.Files.readAllLines(Path.of(f.value()));
            return lines.isEmpty() ? "" : lines.get(0).strip();
        } catch (java.io.IOException | RuntimeException e) {
            throw invalid(file, f, "cannot read it (" + e.getMessage() + ")");
        }
    }

    private static SseConfig sse(Map<Setting, Raw> raw) {
        long event = number(raw, Setting.SSE_MAX_EVENT, 1024, 16L << 20);
        long channel = number(raw, Setting.SSE_CHANNEL_BYTES, 1024, 1L << 40);
        long total = number(raw, Setting.SSE_HISTORY_BYTES, 1024, 1L << 40);
        if (channel < event) {
            throw invalid(Setting.SSE_CHANNEL_BYTES, raw.get(Setting.SSE_CHANNEL_BYTES),
                    "a channel's history must hold at least one largest event (--sse-max-event " + event + ")");
        }
        if (total < channel) {
            throw invalid(Setting.SSE_HISTORY_BYTES, raw.get(Setting.SSE_HISTORY_BYTES),
                    "the total must be at least one channel's history (--sse-channel-bytes " + channel + ")");
        }
        return new SseConfig(SseConfig.defaults().historyEvents(),
                Duration.ofSeconds(number(raw, Setting.SSE_HISTORY_SECONDS, 1, 86_400)), channel, total, (int) event,
                number(raw, Setting.SSE_PUBLISH_RATE, 1, 1_000_000),
                (int) number(raw, Setting.SSE_MAX_CHANNELS, 1, 1_000_000),
                (int) number(raw, Setting.SSE_WAITING_PER_USER, 0, 10_000));
    }

    private static void checkTls(ServerConfig c, Map<Setting, Raw> raw) {
        if ((c.tlsCert() == null) != (c.tlsKey() == null)) {
            throw new ConfigException("--tls-cert and --tls-key go together: give both, or use --tls-self-signed.");
        }
        if (c.tlsCert() != null && c.tlsSelfSigned()) {
            throw new ConfigException("Choose either --tls-cert/--tls-key or --tls-self-signed, not both.");
        }
        if (c.httpRedirectPort() != null && !c.tls()) {
            throw new ConfigException("--http-redirect-port (from " + raw.get(Setting.HTTP_REDIRECT_PORT).source()
                    + ") redirects to HTTPS, so it needs TLS: add --tls-cert/--tls-key or --tls-self-signed.");
        }
    }

    private static java.util.Set<String> addresses(Map<Setting, Raw> raw, Setting s) {
        Raw r = raw.get(s);
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String part : r.value().split(",")) {
            String a = part.trim();
            if (a.isEmpty()) {
                continue;
            }
            if (!a.matches("[0-9A-Fa-f:.]{2,45}")) {
                throw invalid(s, r, "expected comma-separated IP addresses such as 10.0.0.1");
            }
            out.add(a);
        }
        return java.util.Set.copyOf(out);
    }

    private static FfmpegInput ffmpegStream(Map<Setting, Raw> raw, Setting setting) {
        Raw r = raw.get(setting);
        if (r == null) {
            return null;
        }
        try {
            return FfmpegInput.parse(r.value());
        } catch (IllegalArgumentException e) {
            throw invalid(setting, r, e.getMessage());
        }
    }

    private static java.util.Set<String> apps(Map<Setting, Raw> raw) {
        Raw r = raw.get(Setting.APPS);
        if (r == null) {
            return null;
        }
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        if (r.value().trim().equalsIgnoreCase("none")) {
            return out;
        }
        for (String part : r.value().split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!Modules.names().contains(name)) {
                throw invalid(Setting.APPS, r, "each must be one of " + String.join(", ", Modules.names()) + ", or none");
            }
            out.add(name);
        }
        return out;
    }

    /** {@code --event-loops}: 0 means one per processor the JVM may use (a container's CPU limit counts). */
    private static int eventLoops(int configured) {
        return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    }

    private static Path optionalPath(Map<Setting, Raw> raw, Setting s) {
        return raw.containsKey(s) ? path(raw, s) : null;
    }

    private static Raw pick(Setting s, Map<Setting, String> flags, Map<String, String> env) {
        String flag = flags.get(s);
        if (flag != null) {
            return new Raw(flag, s.option());
        }
        String fromEnv = env.get(s.envVar());
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return new Raw(fromEnv, "environment variable " + s.envVar());
        }
        return null;
    }

    private static void readFile(Raw configPath, Map<Setting, Raw> raw) {
        Path file = toPath(configPath.value(), Setting.CONFIG, configPath.source());
        JsonNode root;
        try {
            root = Yaml.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("Cannot read config file " + file + " (from " + configPath.source() + "): "
                    + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException("Config file " + file + " must be a YAML mapping of setting names to values.");
        }
        String source = "config file " + file;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Setting s = Setting.byKey(e.getKey());
            if (s == null || s == Setting.CONFIG) {
                throw new ConfigException("Unknown key '" + e.getKey() + "' in " + source + ". Known keys: "
                        + Stream.of(Setting.values()).filter(k -> k != Setting.CONFIG).map(Setting::key)
                        .collect(Collectors.joining(", ")) + ".");
            }
            if (s == Setting.FEEDS && e.getValue().isArray()) {
                raw.put(s, new Raw(e.getValue().toString(), source)); // a YAML list, kept as JSON
                continue;
            }
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new ConfigException("Key '" + e.getKey() + "' in " + source + " must be a single value.");
            }
            raw.put(s, new Raw(e.getValue().asText(), source));
        }
    }

    private static MicSpec audioMic(Map<Setting, Raw> raw) {
        Raw r = raw.get(Setting.AUDIO_MIC);
        if (r == null) {
            return null;
        }
        try {
            return MicSpec.parse(r.value());
        } catch (IllegalArgumentException e) {
            throw invalid(Setting.AUDIO_MIC, r, e.getMessage());
        }
    }

    private static List<FeedSpec> feeds(Map<Setting, Raw> raw) {
        Raw r = raw.get(Setting.FEEDS);
        if (r == null) {
            return FeedSpec.defaults();
        }
        try {
            return FeedSpec.parseList(r.value());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid feeds (from " + r.source() + "): " + e.getMessage() + ".");
        }
    }

    static ConfigException invalid(Setting s, Raw r, String expected) {
        return new ConfigException("Invalid value '" + r.value() + "' for " + s.key() + " (from " + r.source()
                + "): " + expected + ".");
    }

    /** {@code --video-public} and {@code --audio-public}: stream names, as {@code video/NAME} and {@code audio/NAME}. */
    private static Set<String> publicStreams(Map<Setting, Raw> raw) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (Setting s : List.of(Setting.VIDEO_PUBLIC, Setting.AUDIO_PUBLIC)) {
            Raw r = raw.get(s);
            for (String part : r.value().split(",")) {
                String name = part.trim();
                if (name.isEmpty()) {
                    continue;
                }
                if (!name.matches("[a-z0-9][a-z0-9_-]{0,31}")) {
                    throw invalid(s, r, "stream names are 1-32 lower-case letters, digits, '-' or '_', comma-separated");
                }
                out.add((s == Setting.VIDEO_PUBLIC ? "video/" : "audio/") + name);
            }
        }
        return java.util.Collections.unmodifiableSet(out);
    }

    private static List<String> origins(Map<Setting, Raw> raw) {
        Raw r = raw.get(Setting.ALLOWED_ORIGINS);
        List<String> out = new ArrayList<>();
        for (String part : r.value().split(",")) {
            String o = part.trim();
            if (o.isEmpty()) {
                continue;
            }
            if (!o.equals("*") && !o.matches("https?://[A-Za-z0-9.\\-]+(:\\d{1,5})?|https?://\\[[0-9a-fA-F:]+\\](:\\d{1,5})?")) {
                throw invalid(Setting.ALLOWED_ORIGINS, r, "each origin must look like https://host[:port] (no path), or be *");
            }
            out.add(o);
        }
        return List.copyOf(out);
    }

    static String text(Map<Setting, Raw> raw, Setting s) {
        Raw r = raw.get(s);
        if (r.value().isBlank()) {
            throw invalid(s, r, "must not be empty");
        }
        return r.value().trim();
    }

    static long number(Map<Setting, Raw> raw, Setting s, long min, long max) {
        Raw r = raw.get(s);
        long v;
        try {
            v = Long.parseLong(r.value().trim());
        } catch (NumberFormatException e) {
            throw invalid(s, r, "expected a whole number from " + min + " to " + max);
        }
        if (v < min || v > max) {
            throw invalid(s, r, "expected a whole number from " + min + " to " + max);
        }
        return v;
    }

    private static boolean bool(Map<Setting, Raw> raw, Setting s) {
        Raw r = raw.get(s);
        return switch (r.value().trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw invalid(s, r, "expected true or false");
        };
    }

    private static boolean registration(Map<Setting, Raw> raw) {
        Raw r = raw.get(Setting.REGISTRATION);
        return switch (r.value().trim().toLowerCase(Locale.ROOT)) {
            case "open" -> true;
            case "closed" -> false;
            default -> throw invalid(Setting.REGISTRATION, r, "expected open or closed");
        };
    }

    private static ServerConfig.LogFormat logFormat(Map<Setting, Raw> raw) {
        Raw r = raw.get(Setting.LOG_FORMAT);
        return switch (r.value().trim().toLowerCase(Locale.ROOT)) {
            case "text" -> ServerConfig.LogFormat.TEXT;
            case "json" -> ServerConfig.LogFormat.JSON;
            default -> throw invalid(Setting.LOG_FORMAT, r, "expected text or json");
        };
    }

    private static Path path(Map<Setting, Raw> raw, Setting s) {
        Raw r = raw.get(s);
        return toPath(text(raw, s), s, r.source()).toAbsolutePath().normalize();
    }

    private static Path toPath(String value, Setting s, String source) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new ConfigException("Invalid value '" + value + "' for " + s.key() + " (from " + source
                    + "): not a usable path.");
        }
    }
}
