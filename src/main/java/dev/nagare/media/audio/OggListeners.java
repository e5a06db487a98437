package dev.nagare.media.audio;

import io.vertx.core.buffer.Buffer;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's {@code .ogg} listeners and the one {@link OpusPages} encoder that serves them, started by
 * the first and stopped with the last. libopus through ffmpeg first; if ffmpeg cannot be started or
 * exits before its first page (not installed, or built without libopus), Opus in Java from then on,
 * said once in the log. A listener joins once the encoder's header pages are known (at once in Java,
 * with ffmpeg's first output otherwise): the headers and the last batch, then the live batches.
 */
final class OggListeners {
    private static final Logger LOG = LoggerFactory.getLogger(OggListeners.class);

    private final String name;
    private final String ffmpeg;
    private final PcmFormat format;
    private final int bitrate;
    private final Set<Listener> live = new CopyOnWriteArraySet<>();
    /** Listeners whose encoder has not given its header pages yet (ffmpeg starting). */
    private final Set<Listener> waiting = new CopyOnWriteArraySet<>();
    private volatile OpusPages opus; // guarded by this; runs while someone listens
    private Buffer headers; // guarded by this: the running encoder's, null until it gives them
    private boolean inJava; // guarded by this: ffmpeg could not encode Opus, so Concentus does

    OggListeners(String name, String ffmpeg, PcmFormat format, int bitrate) {
        this.name = name;
        this.ffmpeg = ffmpeg;
        this.format = format;
        this.bitrate = bitrate;
    }

    int size() {
        return live.size() + waiting.size();
    }

    long skipped() {
        long n = 0;
        for (Listener l : live) {
            n += l.skipped;
        }
        return n;
    }

    synchronized void add(Listener l) {
        if (opus == null) {
            start();
        }
        if (headers == null) {
            waiting.add(l);
        } else {
            join(l);
        }
    }

    /** The last listener leaving stops the encoder. */
    synchronized void remove(Listener l) {
        if ((live.remove(l) | waiting.remove(l)) && live.isEmpty() && waiting.isEmpty()) {
            stop();
        }
    }

    /** The source's thread: one chunk of PCM, encoded once for every listener. */
    void encode(byte[] pcm) {
        OpusPages o = opus;
        if (o != null) {
            o.encode(pcm);
        }
    }

    /** Every listener's response ends (the stream ended for good). */
    void endAll() {
        live.forEach(Listener::end);
        waiting.forEach(Listener::end);
    }

    synchronized void stop() {
        if (opus != null) {
            opus.stop();
            opus = null;
            headers = null;
        }
    }

    /** Holding this: headers and the last batch go out before the live batches (one event loop, in order). */
    private void join(Listener l) {
        l.start(headers, opus.burst());
        live.add(l);
    }

    /** Holding this: libopus through ffmpeg, unless it failed before on this stream; then Concentus. */
    private void start() {
        Output out = new Output();
        OpusPages e = inJava ? new ConcentusOpusPages(format, bitrate, out) : new FfmpegOpusPages(name, ffmpeg, format, bitrate, out);
        out.encoder = e;
        opus = e;
        try {
            e.start();
        } catch (java.io.IOException ex) { // no ffmpeg
            out.failed(ex.getMessage());
        }
    }

    /** An encoder's output; ignored once that encoder is no longer the one running (stopped, replaced). */
    private final class Output implements OpusPages.Output {
        OpusPages encoder; // set before the encoder starts

        @Override
        public void headers(Buffer pages) {
            synchronized (OggListeners.this) {
                if (opus != encoder) {
                    return;
                }
                headers = pages;
                for (Listener l : waiting) {
                    join(l);
                }
                waiting.clear();
            }
        }

        @Override
        public void batch(Buffer pages) {
            if (opus == encoder) {
                Listener.offerAll(live, pages);
            }
        }

        @Override
        public void failed(String reason) {
            synchronized (OggListeners.this) {
                if (opus != encoder) {
                    return;
                }
                opus = null;
                if (headers == null && !inJava) {
                    // Before any output: no ffmpeg, or one without libopus. Java encodes from now on.
                    LOG.warn("Audio stream {}: no Opus from ffmpeg ({}); encoding it in Java (Concentus), which takes"
                            + " several times the CPU", name, reason);
                    inJava = true;
                    start();
                    return;
                }
                LOG.warn("Opus encoder of audio stream {} stopped: {}", name, reason);
                headers = null;
                endAll();
                live.clear(); // the next listener starts a new encoder
                waiting.clear();
            }
        }
    }
}
