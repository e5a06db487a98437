package dev.nagare.media.audio;

import dev.nagare.web.NettyChannels;
import dev.nagare.wire.OggCodec;
import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Opus in Java (Concentus), the fallback when there is no ffmpeg with libopus: each 20 ms chunk is
 * one packet in its own Ogg page, {@link AudioStream#BATCH_CHUNKS} pages a batch. Costs several times
 * the CPU of libopus (issue 21), but needs nothing installed. Runs on the source's thread.
 */
final class ConcentusOpusPages implements OpusPages {
    private static final int SERIAL = 0x4e414741; // "NAGA"

    private final PcmFormat format;
    private final OpusEncoder encoder;
    private final Output output;
    private final byte[] packet = new byte[4000];
    private long granule = OggCodec.PRE_SKIP;
    private int sequence = 2; // 0 and 1 are the header pages
    private Buffer filling = Buffer.buffer(); // source thread only
    private int pages; // source thread only
    private volatile Buffer last;

    ConcentusOpusPages(PcmFormat format, int bitrate, Output output) {
        if (format.sampleRate() != 48_000) {
            throw new IllegalArgumentException("Opus pages are made from 48 kHz audio");
        }
        this.format = format;
        this.output = output;
        try {
            this.encoder = new OpusEncoder(48_000, format.channels(), OpusApplication.OPUS_APPLICATION_AUDIO);
        } catch (OpusException e) {
            throw new IllegalStateException("cannot create the Opus encoder: " + e.getMessage(), e);
        }
        encoder.setBitrate(bitrate);
    }

    /** Hands over the OpusHead and OpusTags pages at once: they do not depend on the audio. */
    @Override
    public void start() {
        output.headers(Buffer.buffer(OggCodec.page(OggCodec.opusHead(format.channels(), format.sampleRate()), 0, SERIAL, 0, true))
                .appendBytes(OggCodec.page(OggCodec.opusTags("Nagare"), 0, SERIAL, 1, false)));
    }

    @Override
    public void encode(byte[] pcm) {
        filling.appendBytes(page(pcm));
        if (++pages == AudioStream.BATCH_CHUNKS) {
            Buffer full = NettyChannels.offHeap(filling);
            filling = Buffer.buffer(filling.length());
            pages = 0;
            last = full;
            output.batch(full);
        }
    }

    @Override
    public List<Buffer> burst() {
        Buffer b = last;
        return b == null ? List.of() : List.of(b);
    }

    @Override
    public void stop() {
        // nothing runs besides the source's thread
    }

    /** One 20 ms chunk of 16-bit PCM as one Ogg page. */
    private byte[] page(byte[] pcm) {
        int frames = pcm.length / 2 / format.channels();
        short[] samples = new short[pcm.length / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8));
        }
        try {
            int len = encoder.encode(samples, 0, frames, packet, 0, packet.length);
            granule += frames;
            return OggCodec.page(java.util.Arrays.copyOf(packet, len), granule, SERIAL, sequence++, false);
        } catch (OpusException e) {
            throw new IllegalStateException("Opus encoding failed: " + e.getMessage(), e);
        }
    }
}
