package dev.nagare.media.audio;

import dev.nagare.media.MediaRelay;
import dev.nagare.wire.MediaRelayCodec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audio streams across nodes: shares this node's streams through the {@link MediaRelay} (all but the
 * tone, which every node has as its own {@code default}), and keeps other nodes' streams in the route
 * table as streams fed by a {@link RelayedAudioSource}, so they are listed, checked and heard like
 * local ones. A local stream shadows a remote one of the same name. A remote stream that ends (or
 * whose node goes away) leaves the table and its listeners' responses end.
 */
final class AudioRelay {
    private static final Logger LOG = LoggerFactory.getLogger(AudioRelay.class);

    private final MediaRelay relay;
    private final Map<String, AudioStream> streams;

    AudioRelay(MediaRelay relay, Map<String, AudioStream> streams) {
        this.relay = relay;
        this.streams = streams;
    }

    void start() {
        relay.onChange(this::sync);
        sync();
    }

    static boolean remote(AudioStream stream) {
        return stream.source() instanceof RelayedAudioSource;
    }

    static boolean published(AudioStream stream) {
        return stream.source() instanceof PublishedAudioSource
                || stream.source() instanceof RelayedAudioSource r && r.published();
    }

    /** Offers a local stream to the other nodes; false when another node has that name. */
    Future<Boolean> share(AudioStream stream) {
        if (AudioRoutes.DEFAULT.equals(stream.name()) || remote(stream)) {
            return Future.succeededFuture(true);
        }
        JsonObject info = new JsonObject().put("sampleRate", stream.format().sampleRate())
                .put("channels", stream.format().channels()).put("published", published(stream));
        return relay.share(stream.name(), info, new MediaRelay.Tap() {
            private Runnable off; // guarded by this
            private final AtomicLong sequence = new AtomicLong();

            @Override
            public synchronized void start(Consumer<byte[]> out) {
                if (off == null) {
                    off = stream.tap(pcm -> out.accept(MediaRelayCodec.encode(MediaRelayCodec.AUDIO,
                            sequence.incrementAndGet(), System.currentTimeMillis(), pcm)));
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

    void unshare(AudioStream stream) {
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
                    PcmFormat f = new PcmFormat(info.getInteger("sampleRate"), info.getInteger("channels"));
                    streams.putIfAbsent(name, new AudioStream(name, new RelayedAudioSource(relay, name, f,
                            info.getBoolean("published", false), () -> ended(name))));
                    LOG.info("cluster: audio stream {} of another node is listenable here", name);
                } catch (RuntimeException e) {
                    LOG.debug("cluster: audio stream {} from another node ignored: {}", name, e.toString());
                }
            }
        });
        streams.values().stream().filter(s -> remote(s) && !now.containsKey(s.name())).toList()
                .forEach(s -> ended(s.name()));
    }

    /** A remote stream ended on its node: gone from here, and its listeners' responses end. */
    private void ended(String name) {
        AudioStream stream = streams.get(name);
        if (stream != null && remote(stream) && streams.remove(name, stream)) {
            stream.endListeners();
        }
    }
}
