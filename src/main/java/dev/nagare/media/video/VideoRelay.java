package dev.nagare.media.video;

import dev.nagare.media.MediaRelay;
import dev.nagare.wire.MediaRelayCodec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Video streams across nodes: shares this node's streams through the {@link MediaRelay} (all but the
 * test pattern, which every node has as its own {@code default}), and keeps other nodes' streams in
 * the route table as streams fed by a {@link RelayedSource}, so they are listed, checked and watched
 * like local ones. A local stream shadows a remote one of the same name.
 */
final class VideoRelay {
    private static final Logger LOG = LoggerFactory.getLogger(VideoRelay.class);

    private final MediaRelay relay;
    private final Map<String, VideoStream> streams;

    VideoRelay(MediaRelay relay, Map<String, VideoStream> streams) {
        this.relay = relay;
        this.streams = streams;
    }

    void start() {
        relay.onChange(this::sync);
        sync();
    }

    static boolean remote(VideoStream stream) {
        return stream.source() instanceof RelayedSource;
    }

    /** Offers a local stream to the other nodes; false when another node has that name. */
    Future<Boolean> share(VideoStream stream) {
        if (VideoRoutes.DEFAULT.equals(stream.name()) || remote(stream)) {
            return Future.succeededFuture(true);
        }
        VideoSettings s = stream.settings();
        JsonObject info = new JsonObject().put("width", s.width()).put("height", s.height()).put("fps", s.fps())
                .put("quality", (double) s.quality()).put("published", stream.source() instanceof PublishedSource);
        return relay.share(stream.name(), info, new MediaRelay.Tap() {
            private Runnable off; // guarded by this

            @Override
            public synchronized void start(java.util.function.Consumer<byte[]> out) {
                if (off == null) {
                    off = stream.tap(f -> out.accept(MediaRelayCodec.encode(MediaRelayCodec.VIDEO, f.sequence(),
                            f.captureMillis(), f.jpeg())));
                }
            }

            @Override
            public synchronized void stop() {
                if (off != null) {
                    off.run();
                    off = null;
                }
            }
        });
    }

    void unshare(VideoStream stream) {
        if (!remote(stream)) {
            relay.unshare(stream.name());
        }
    }

    /** The directory changed: add the new remote streams, end and drop those gone. */
    private synchronized void sync() {
        Map<String, JsonObject> now = relay.remote();
        now.forEach((name, info) -> {
            if (!streams.containsKey(name)) {
                try {
                    VideoSettings s = new VideoSettings(info.getInteger("width"), info.getInteger("height"),
                            info.getInteger("fps"), info.getFloat("quality"));
                    streams.putIfAbsent(name, new VideoStream(name, new RelayedSource(relay, name, s)));
                    LOG.info("cluster: video stream {} of another node is watchable here", name);
                } catch (RuntimeException e) {
                    LOG.debug("cluster: video stream {} from another node ignored: {}", name, e.toString());
                }
            }
        });
        streams.values().removeIf(stream -> {
            if (remote(stream) && !now.containsKey(stream.name())) {
                // Viewers still attached see "no signal" (as when a local source is down) until they leave.
                ((RelayedSource) stream.source()).ended();
                return true;
            }
            return false;
        });
    }
}
