package dev.nagare.media.video;

import dev.nagare.media.MediaRelay;
import dev.nagare.wire.MediaRelayCodec;
import dev.nagare.wire.ProtocolException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Another node's stream, as a source on this one: started (a viewer here), it watches the stream
 * through the relay, so the frames cross Redis once for all of this node's viewers. Frames are
 * renumbered here: viewers compare sequence numbers, and the producing node's restart its count.
 * When the stream ends there (or its node goes away) viewers get the "no signal" frame, as a local
 * stream's viewers do when its source is down.
 */
final class RelayedSource implements VideoSource {
    private static final Logger LOG = LoggerFactory.getLogger(RelayedSource.class);

    private final MediaRelay relay;
    private final String name;
    private final VideoSettings settings;
    private final AtomicLong sequence = new AtomicLong();
    private volatile Consumer<Frame> sink;
    private MediaRelay.Watch watch; // guarded by this

    RelayedSource(MediaRelay relay, String name, VideoSettings settings) {
        this.relay = relay;
        this.name = name;
        this.settings = settings;
    }

    @Override
    public synchronized void start(Consumer<Frame> sink) {
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
    public VideoSettings settings() {
        return settings;
    }

    /** The relay's thread: one message of the stream. */
    private void onMessage(byte[] bytes) {
        Consumer<Frame> s = sink;
        if (s == null) {
            return;
        }
        try {
            MediaRelayCodec.Message m = MediaRelayCodec.decode(bytes, VideoRoutes.MAX_FRAME_BYTES);
            if (m.type() == MediaRelayCodec.END) {
                ended();
            } else if (m.type() == MediaRelayCodec.VIDEO && m.payload().length >= 4
                    && (m.payload()[0] & 0xff) == 0xFF && (m.payload()[1] & 0xff) == 0xD8) {
                s.accept(Frame.of(m.payload(), sequence.incrementAndGet(), m.captureMillis()));
            }
        } catch (ProtocolException e) {
            LOG.debug("relayed video {}: message dropped: {}", name, e.getMessage());
        }
    }

    /** The stream ended on its node: viewers see "no signal". */
    void ended() {
        Consumer<Frame> s = sink;
        if (s != null) {
            s.accept(Frame.of(NoSignal.jpeg(settings), sequence.incrementAndGet(), System.currentTimeMillis()));
        }
    }
}
