package dev.nagare.media.audio;

import dev.nagare.auth.Principal;
import dev.nagare.auth.http.HttpGuard;
import dev.nagare.media.MediaRelay;
import dev.nagare.media.StreamSockets;
import dev.nagare.web.JsonReply;
import dev.nagare.wire.WavCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code GET /audio/{stream}.wav}: 16-bit PCM WAV with an open-ended header, which every browser's
 * {@code <audio>} plays (the guide's multipart/x-mixed-replace of raw PCM plays nowhere: a player
 * needs one continuous file with a header, not a series of replaced parts). {@code /audio_feed}
 * is the guide's alias for the default stream. Listening needs {@code join:audio/<stream>}.
 */
public final class AudioRoutes {
    /**
     * Kernel send buffer and write-queue mark of a listener's connection: left to auto-tuning, a paused
     * listener had 3.9 MB (40 s of 48 kHz PCM) queued in the kernel before the server could skip.
     */
    static final int SEND_BUFFER = 64 * 1024;
    public static final String DEFAULT = "default";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    /** The largest chunk relayed between nodes: 250 ms of the largest format (192 kHz stereo). */
    static final int MAX_CHUNK_BYTES = 192_000 * 2 * 2 / 4;

    private final Vertx vertx;
    private final HttpGuard auth;
    private final Map<String, AudioStream> streams = new ConcurrentHashMap<>();
    private final AudioRelay relay;
    private final int opusBitrate;
    private final EncoderConfig encoders;
    private IcecastHandler sources; // set by mount

    /**
     * {@code relay}: the other nodes' streams ({@link MediaRelay#SINGLE_NODE} for none); the bitrates
     * and bounds are those of streams that encoders publish.
     */
    public AudioRoutes(Vertx vertx, HttpGuard auth, MediaRelay relay, int opusBitrate, EncoderConfig encoders) {
        this.vertx = vertx;
        this.auth = auth;
        this.relay = new AudioRelay(relay, streams);
        this.opusBitrate = opusBitrate;
        this.encoders = encoders;
    }

    /** This node's streams and the other nodes' that it relays, by name. */
    public Map<String, AudioStream> streams() {
        return Map.copyOf(streams);
    }

    /** Adds a local stream (and offers it to the other nodes). */
    public void add(AudioStream stream) {
        streams.put(stream.name(), stream);
        relay.share(stream);
    }

    /** Starts listing and serving the other nodes' streams. */
    public void startRelay() {
        relay.start();
    }

    public void mount(Router router, dev.nagare.web.StaticAssets assets) {
        router.get("/audio").handler(assets.page("web/audio/index.html"));
        new AudioSockets(this, auth).mount(router, assets);
        sources = new IcecastHandler(this, auth, opusBitrate, encoders);
        sources.mount(router);
        router.get("/api/audio/streams").handler(auth.attach()).handler(auth.require()).handler(this::list);
        router.get("/audio_feed").handler(auth.attach()).handler(ctx -> listen(ctx, DEFAULT, AudioStream.Kind.WAV));
        router.get("/audio/:file").handler(auth.attach()).handler(ctx -> {
            String file = ctx.pathParam("file");
            int dot = file == null ? -1 : file.lastIndexOf('.');
            AudioStream.Kind kind = dot < 0 ? null : switch (file.substring(dot)) {
                case ".wav" -> AudioStream.Kind.WAV;
                case ".ogg" -> AudioStream.Kind.OGG;
                case ".mp3" -> AudioStream.Kind.MP3;
                default -> null;
            };
            if (kind == null) {
                ctx.next();
            } else {
                listen(ctx, file.substring(0, dot), kind);
            }
        });
    }

    private void list(RoutingContext ctx) {
        Principal p = HttpGuard.principal(ctx);
        io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
        streams.values().stream().filter(s -> p.may("join", "audio/" + s.name()))
                .sorted(java.util.Comparator.comparing(AudioStream::name))
                .forEach(s -> out.add(new io.vertx.core.json.JsonObject().put("name", s.name())
                        .put("sampleRate", s.format().sampleRate()).put("channels", s.format().channels())
                        .put("published", AudioRelay.published(s)).put("remote", AudioRelay.remote(s))));
        JsonReply.send(ctx, 200, new io.vertx.core.json.JsonObject().put("streams", out));
    }

    public void close() {
        streams.values().forEach(AudioStream::close);
    }

    /** Cuts off the encoders publishing here (the server is draining); their streams end. */
    public void endSources(String reason) {
        if (sources != null) {
            sources.endAll(reason);
        }
    }

    /** The stream named {@code name}, or null (then the request falls through to 404). */
    AudioStream stream(String name) {
        return name != null && NAME.matcher(name).matches() ? streams.get(name) : null;
    }

    boolean validName(String name) {
        return name != null && NAME.matcher(name).matches() && !DEFAULT.equals(name);
    }

    /** Adds a stream unless one of that name exists; returns the one registered. */
    AudioStream addIfAbsent(AudioStream stream) {
        AudioStream before = streams.putIfAbsent(stream.name(), stream);
        return before == null ? stream : before;
    }

    /** Offers a local stream to the other nodes: false when another node has that name. */
    Future<Boolean> share(AudioStream stream) {
        return relay.share(stream);
    }

    void removeStream(AudioStream stream) {
        if (streams.remove(stream.name(), stream)) {
            relay.unshare(stream);
        }
    }

    /**
     * The format a listener asks for with {@code ?rate=16000&channels=1}: the stream's own, or a lower
     * rate and/or mono (converted once for everyone who asks the same). Null after a 400 answer.
     */
    static PcmFormat requested(RoutingContext ctx, PcmFormat source) {
        String rate = ctx.request().getParam("rate");
        String channels = ctx.request().getParam("channels");
        int r = source.sampleRate();
        int c = source.channels();
        try {
            r = rate == null ? r : Integer.parseInt(rate);
            c = channels == null ? c : Integer.parseInt(channels);
        } catch (NumberFormatException e) {
            r = -1;
        }
        if (r < 8000 || r > source.sampleRate() || c < 1 || c > source.channels()) {
            JsonReply.error(ctx, 400, "rate must be 8000 to " + source.sampleRate() + " and channels 1 to "
                    + source.channels() + " (a stream is converted down, never up).");
            return null;
        }
        return new PcmFormat(r, c);
    }

    /** WAV (PCM), Opus in Ogg (far less bandwidth) or MP3 (for players without Opus). */
    private void listen(RoutingContext ctx, String name, AudioStream.Kind kind) {
        AudioStream stream = stream(name);
        if (stream == null) {
            ctx.next();
            return;
        }
        if (!auth.permitStream(ctx, "audio/" + name)) { // a login, a stream URL token, or --audio-public
            return;
        }
        PcmFormat f = kind == AudioStream.Kind.WAV ? requested(ctx, stream.format()) : stream.format();
        if (f == null) {
            return;
        }
        Buffer header = switch (kind) {
            case OGG, MP3 -> Buffer.buffer(); // MP3 frames carry their own headers; the Ogg encoder's come with add
            default -> Buffer.buffer(WavCodec.streamingHeader(f.sampleRate(), f.channels(), 16));
        };
        if (kind == AudioStream.Kind.OGG && !stream.hasOpus()) {
            JsonReply.error(ctx, 404, "Stream " + name + " is not available as Ogg/Opus (it is not 48 kHz).");
            return;
        }
        StreamSockets.limit(ctx.request(), SEND_BUFFER, SEND_BUFFER);
        HttpServerResponse res = ctx.response();
        res.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, switch (kind) {
                    case OGG -> "audio/ogg";
                    case MP3 -> "audio/mpeg";
                    default -> "audio/wav";
                })
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("X-Accel-Buffering", "no");
        if (header.length() > 0) {
            res.write(header);
        } else {
            res.writeHead();
        }
        Listener listener = Listener.of(res, ctx.request().connection(), vertx.getOrCreateContext());
        for (Buffer chunk : stream.burst(f, kind)) {
            listener.write(chunk); // a short burst so the player starts at once
        }
        res.closeHandler(v -> stream.remove(listener));
        auth.endWithLogin(ctx); // logout, new password, revoked token: the stream ends
        stream.add(listener, kind, f);
    }
}
