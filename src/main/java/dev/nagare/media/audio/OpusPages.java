package dev.nagare.media.audio;

import dev.nagare.wire.OggCodec;
import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.vertx.core.buffer.Buffer;

/**
 * Encodes a stream's 20 ms PCM chunks to Opus once, each packet in its own Ogg page, for all
 * {@code .ogg} listeners. A listener first gets the two header pages, then joins the live pages.
 * Runs on the source's thread.
 */
final class OpusPages {
    private static final int SERIAL = 0x4e414741; // "NAGA"

    private final PcmFormat format;
    private final OpusEncoder encoder;
    private final byte[] packet = new byte[4000];
    private long granule = OggCodec.PRE_SKIP;
    private int sequence = 2; // 0 and 1 are the header pages

    OpusPages(PcmFormat format, int bitrate) {
        if (format.sampleRate() != 48_000) {
            throw new IllegalArgumentException("Opus pages are made from 48 kHz audio");
        }
        this.format = format;
        try {
            this.encoder = new OpusEncoder(48_000, format.channels(), OpusApplication.OPUS_APPLICATION_AUDIO);
        } catch (OpusException e) {
            throw new IllegalStateException("cannot create the Opus encoder: " + e.getMessage(), e);
        }
        encoder.setBitrate(bitrate);
    }

    /** The OpusHead and OpusTags pages every listener starts with. */
    Buffer headers() {
        return Buffer.buffer(OggCodec.page(OggCodec.opusHead(format.channels(), format.sampleRate()), 0, SERIAL, 0, true))
                .appendBytes(OggCodec.page(OggCodec.opusTags("Nagare"), 0, SERIAL, 1, false));
    }

    /** One 20 ms chunk of 16-bit PCM as one Ogg page. */
    Buffer page(byte[] pcm) {
        int frames = pcm.length / 2 / format.channels();
        short[] samples = new short[pcm.length / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8));
        }
        try {
            int len = encoder.encode(samples, 0, frames, packet, 0, packet.length);
            granule += frames;
            byte[] data = java.util.Arrays.copyOf(packet, len);
            return Buffer.buffer(OggCodec.page(data, granule, SERIAL, sequence++, false));
        } catch (OpusException e) {
            throw new IllegalStateException("Opus encoding failed: " + e.getMessage(), e);
        }
    }
}
