package dev.nagare.media.audio;

import dev.nagare.media.MediaRelay;
import dev.nagare.wire.MediaRelayCodec;
import dev.nagare.wire.ProtocolException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Another node's audio stream, as a source on this one: started (a listener here), it listens
 * through the relay, so the PCM crosses Redis once for all of this node's listeners, who get it
 * converted, batched and Opus-encoded here as for a local stream. {@code onEnd} runs when the stream
 * ends on its node.
 */
final class RelayedAudioSource implements AudioSource {
    private static final Logger LOG = LoggerFactory.getLogger(RelayedAudioSource.class);

    private final MediaRelay relay;
    private final String name;
    private final PcmFormat format;
    private final boolean published;
    private final Runnable onEnd;
    private volatile Consumer<byte[]> sink;
    private MediaRelay.Watch watch; // guarded by this

    RelayedAudioSource(MediaRelay relay, String name, PcmFormat format, boolean published, Runnable onEnd) {
        this.relay = relay;
        this.name = name;
        this.format = format;
        this.published = published;
        this.onEnd = onEnd;
    }

    @Override
    public synchronized void start(Consumer<byte[]> sink) {
        this.sink = sink;
        if (watch == null) {
            watch = relay.watch(name, this::onMessage);
        }
    }

    @Override
    public synchronized void stop() {
        sink = null;
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    @Override
    public PcmFormat format() {
        return format;
    }

    /** Whether a browser publishes it on its node. */
    boolean published() {
        return published;
    }

    /** The relay's thread: one message of the stream. */
    private void onMessage(byte[] bytes) {
        Consumer<byte[]> s = sink;
        if (s == null) {
            return;
        }
        try {
            MediaRelayCodec.Message m = MediaRelayCodec.decode(bytes, AudioRoutes.MAX_CHUNK_BYTES);
            int frame = 2 * format.channels();
            if (m.type() == MediaRelayCodec.END) {
                onEnd.run();
            } else if (m.type() == MediaRelayCodec.AUDIO && m.payload().length > 0 && m.payload().length % frame == 0) {
                s.accept(m.payload());
            }
        } catch (ProtocolException e) {
            LOG.debug("relayed audio {}: message dropped: {}", name, e.getMessage());
        }
    }
}
