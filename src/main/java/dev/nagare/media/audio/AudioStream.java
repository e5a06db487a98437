package dev.nagare.media.audio;

import dev.nagare.web.NettyChannels;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * One named audio stream: a source, its listeners, and the last few chunks (a short burst for new
 * listeners, so players start at once). Listeners ask for a format: the source's, or a lower rate
 * and/or mono; each format is converted once per chunk for all who want it ({@link Variant}), and
 * Ogg/Opus is encoded once. A listener that cannot keep up skips chunks. The source runs only while
 * someone listens.
 */
public final class AudioStream {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AudioStream.class);
    /**
     * HTTP listeners (WAV, Ogg) get a second at a time: players buffer that much anyway, and one write
     * per listener per second instead of every 20 ms costs a fiftieth of the system calls (icecast, too,
     * sends whole Ogg pages of about a second). The newest batch is also the burst a new listener starts
     * with, so playback starts at once. The WebSocket path gets every 20 ms chunk.
     */
    static final int BATCH_CHUNKS = 50;

    /** How a listener receives the stream. */
    enum Kind { WAV, OGG, MP3, SOCKET }

    /** The MP3 bitrate when none is given, bits per second. */
    static final int MP3_BITRATE = 128_000;

    private final String name;
    private final AudioSource source;
    private final int mp3Bitrate;
    private final Set<Listener> mp3Listeners = new CopyOnWriteArraySet<>();
    private volatile Mp3Encoder mp3; // guarded by this; runs while someone listens to the MP3
    private final Map<PcmFormat, Variant> variants = new ConcurrentHashMap<>();
    private final OggListeners ogg;
    private final String ffmpeg;
    /** Who takes every source chunk besides listeners: the cluster relay while another node listens. */
    private final Set<java.util.function.Consumer<byte[]>> taps = new CopyOnWriteArraySet<>();
    private boolean running; // guarded by this

    /** One output format: its converter (source thread only), listeners and recent chunks. */
    private final class Variant {
        final PcmConverter converter;
        final Set<Listener> wav = new CopyOnWriteArraySet<>();
        final Set<Listener> sockets = new CopyOnWriteArraySet<>();
        final Batch batch = new Batch();

        Variant(PcmFormat format) {
            this.converter = new PcmConverter(source.format(), format);
        }

        int size() {
            return wav.size() + sockets.size();
        }
    }

    /** Chunks gathered into one buffer for HTTP listeners, and the last full one (the burst). */
    private static final class Batch {
        private Buffer filling = Buffer.buffer(); // source thread only
        private int chunks; // source thread only
        private volatile Buffer last;

        /** Adds a chunk; returns the full batch when it has {@link #BATCH_CHUNKS}, else null. */
        Buffer add(Buffer chunk) {
            filling.appendBuffer(chunk);
            if (++chunks < BATCH_CHUNKS) {
                return null;
            }
            Buffer full = NettyChannels.offHeap(filling); // written to every listener as it is
            filling = Buffer.buffer(full.length());
            chunks = 0;
            last = full;
            return full;
        }

        List<Buffer> burst() {
            Buffer b = last;
            return b == null ? List.of() : List.of(b);
        }
    }

    public AudioStream(String name, AudioSource source) {
        this(name, source, 64_000 * source.format().channels());
    }

    /** With the Ogg/Opus bitrate in bits per second (default 64 kbit/s per channel). */
    public AudioStream(String name, AudioSource source, int opusBitrate) {
        this(name, source, opusBitrate, MP3_BITRATE);
    }

    /** With the Ogg/Opus and the MP3 bitrates, bits per second. */
    public AudioStream(String name, AudioSource source, int opusBitrate, int mp3Bitrate) {
        this(name, source, opusBitrate, mp3Bitrate, "ffmpeg");
    }

    /** With the ffmpeg the MP3 and Opus encoders run ({@code ffmpeg} on the PATH by default). */
    public AudioStream(String name, AudioSource source, int opusBitrate, int mp3Bitrate, String ffmpeg) {
        this.ffmpeg = ffmpeg;
        this.name = name;
        this.source = source;
        this.ogg = new OggListeners(name, ffmpeg, source.format(), opusBitrate);
        this.mp3Bitrate = mp3Bitrate;
    }

    public String name() {
        return name;
    }

    public PcmFormat format() {
        return source.format();
    }

    AudioSource source() {
        return source;
    }

    public int listenerCount() {
        int n = ogg.size() + mp3Listeners.size();
        for (Variant v : variants.values()) {
            n += v.size();
        }
        return n;
    }

    /** Chunks (or batches) this stream's listeners have skipped because their sockets were full. */
    public long skipped() {
        long n = ogg.skipped();
        for (Listener l : mp3Listeners) {
            n += l.skipped;
        }
        for (Variant v : variants.values()) {
            for (Listener l : v.wav) {
                n += l.skipped;
            }
            for (Listener l : v.sockets) {
                n += l.skipped;
            }
        }
        return n;
    }

    /** What a new listener starts with: the last batch in {@code format} (WAV) or of MP3 (Ogg: {@link #add}). */
    List<Buffer> burst(PcmFormat format, Kind kind) {
        if (kind == Kind.OGG) {
            return List.of(); // the encoder's header pages come first; add() writes both
        }
        if (kind == Kind.MP3) {
            Mp3Encoder e = mp3;
            return e == null ? List.of() : e.burst();
        }
        Variant v = variants.get(format);
        return v == null ? List.of() : v.batch.burst();
    }

    /** Whether the stream has an Ogg/Opus version (Opus is encoded from 48 kHz audio only). */
    boolean hasOpus() {
        return source.format().sampleRate() == 48_000;
    }

    /** Adds a listener; an .ogg one is first written the encoder's header pages and the last batch. */
    void add(Listener l, Kind kind, PcmFormat format) {
        if (kind == Kind.OGG) {
            ogg.add(l);
        } else if (kind == Kind.MP3) {
            mp3Listeners.add(l);
            startMp3();
        } else {
            Variant v = variants.computeIfAbsent(format, Variant::new);
            (kind == Kind.WAV ? v.wav : v.sockets).add(l);
        }
        ensureRunning();
    }

    /** The first MP3 listener starts the stream's one encoder (a missing ffmpeg ends the listeners). */
    private synchronized void startMp3() {
        if (mp3 != null) {
            return;
        }
        Mp3Encoder e = new Mp3Encoder(name, ffmpeg, source.format(), mp3Bitrate,
                batch -> Listener.offerAll(mp3Listeners, batch));
        try {
            e.start();
            mp3 = e;
        } catch (java.io.IOException ex) {
            LOG.warn("No MP3 for audio stream {}: {}", name, ex.getMessage());
            mp3Listeners.forEach(Listener::end);
        }
    }

    /** The last MP3 listener left: its encoder stops. */
    private synchronized void stopMp3IfUnheard() {
        if (mp3 != null && mp3Listeners.isEmpty()) {
            mp3.stop();
            mp3 = null;
        }
    }

    private synchronized void ensureRunning() {
        if (!running) {
            running = true;
            source.start(this::onChunk, this::lowLatency);
        }
    }

    /**
     * Whether someone takes each chunk as soon as it exists: a WebSocket listener (the low-latency
     * path), or another node (whose WebSocket listeners may). Otherwise the source may pace itself.
     */
    private boolean lowLatency() {
        if (!taps.isEmpty()) {
            return true;
        }
        for (Variant v : variants.values()) {
            if (!v.sockets.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code tap} gets every chunk in the source's format (on the source's thread) and keeps the source
     * running like a listener, until the returned action removes it.
     */
    Runnable tap(java.util.function.Consumer<byte[]> tap) {
        java.util.function.Consumer<byte[]> own = tap::accept; // its own identity
        taps.add(own);
        ensureRunning();
        return () -> {
            taps.remove(own);
            stopIfIdle();
        };
    }

    /** Whether something besides listeners takes the chunks (another node listens). */
    boolean tapped() {
        return !taps.isEmpty();
    }

    /**
     * The stream ended for good (another node's that went away, an encoder that left): every
     * listener's response ends.
     */
    void endListeners() {
        ogg.endAll();
        mp3Listeners.forEach(Listener::end);
        for (Variant v : variants.values()) {
            v.wav.forEach(Listener::end);
            v.sockets.forEach(Listener::end);
        }
    }

    void remove(Listener l) {
        ogg.remove(l);
        if (mp3Listeners.remove(l)) {
            stopMp3IfUnheard();
        }
        for (Variant v : variants.values()) {
            v.wav.remove(l);
            v.sockets.remove(l);
        }
        stopIfIdle();
    }

    private void stopIfIdle() {
        synchronized (this) {
            if (listenerCount() == 0 && taps.isEmpty() && running) {
                running = false;
                source.stop();
                variants.clear();
            }
        }
    }

    private void onChunk(byte[] pcm) {
        long captured = System.currentTimeMillis();
        for (java.util.function.Consumer<byte[]> t : taps) {
            t.accept(pcm);
        }
        for (Variant v : variants.values()) {
            if (v.size() == 0) {
                continue;
            }
            Buffer chunk = Buffer.buffer(v.converter.convert(pcm));
            Buffer batch = v.batch.add(chunk);
            if (batch != null) {
                Listener.offerAll(v.wav, batch);
            }
            if (!v.sockets.isEmpty()) {
                // The low-latency path: each frame starts with its capture time (ms since 1970, 8 bytes
                // big-endian), so the page can show how old what it plays is.
                Buffer framed = Buffer.buffer(8 + chunk.length()).appendLong(captured).appendBuffer(chunk);
                Listener.offerAll(v.sockets, framed);
            }
        }
        Mp3Encoder m = mp3;
        if (m != null) {
            m.encode(pcm); // encoded once, by ffmpeg, for every .mp3 listener
        }
        ogg.encode(pcm); // encoded once for every .ogg listener
    }

    public void close() {
        synchronized (this) {
            running = false;
            source.stop();
            if (mp3 != null) {
                mp3.stop();
                mp3 = null;
            }
            ogg.stop();
        }
    }
}
