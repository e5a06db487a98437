package dev.nagare.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Ogg pages (RFC 3533) carrying Opus (RFC 7845): written one packet per page, and found in a
 * stream of pages another muxer made (ffmpeg's, which puts about a second of packets in a page).
 *
 * <pre>
 * "OggS" version:u8=0 type:u8 (2 = first page) granule:i64 serial:u32 sequence:u32 crc:u32
 * segments:u8 lacing[segments] data            (all little-endian; crc over the page, crc field 0)
 * OpusHead: "OpusHead" 1 channels preSkip:u16 rate:u32 gain:i16=0 mapping:u8=0
 * OpusTags: "OpusTags" vendorLength:u32 vendor commentCount:u32=0
 * </pre>
 */
public final class OggCodec {
    public static final int PRE_SKIP = 312;
    private static final int[] CRC = table();

    private OggCodec() {
    }

    public static byte[] page(byte[] packet, long granule, int serial, int sequence, boolean first) {
        int segments = packet.length / 255 + 1;
        if (segments > 255) {
            throw new IllegalArgumentException("packet too large for one page");
        }
        ByteBuffer b = ByteBuffer.allocate(27 + segments + packet.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("OggS".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) (first ? 2 : 0))
                .putLong(granule).putInt(serial).putInt(sequence).putInt(0).put((byte) segments);
        for (int i = 0; i < segments - 1; i++) {
            b.put((byte) 255);
        }
        b.put((byte) (packet.length % 255));
        b.put(packet);
        byte[] page = b.array();
        int crc = crc(page);
        page[22] = (byte) crc;
        page[23] = (byte) (crc >>> 8);
        page[24] = (byte) (crc >>> 16);
        page[25] = (byte) (crc >>> 24);
        return page;
    }

    public static byte[] opusHead(int channels, int inputRate) {
        return ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN)
                .put("OpusHead".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) channels)
                .putShort((short) PRE_SKIP).putInt(inputRate).putShort((short) 0).put((byte) 0).array();
    }

    public static byte[] opusTags(String vendor) {
        byte[] v = vendor.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + 4 + v.length + 4).order(ByteOrder.LITTLE_ENDIAN)
                .put("OpusTags".getBytes(StandardCharsets.US_ASCII)).putInt(v.length).put(v).putInt(0).array();
    }

    /**
     * The length of the whole page at {@code off} among {@code len} bytes of {@code b}, or 0 when they
     * do not hold all of it yet (its header, lacing table or body is cut short).
     *
     * @throws IllegalArgumentException when no page starts there (no "OggS", or a version other than 0)
     */
    public static int pageLength(byte[] b, int off, int len) {
        if (len >= 5 && (b[off] != 'O' || b[off + 1] != 'g' || b[off + 2] != 'g' || b[off + 3] != 'S' || b[off + 4] != 0)) {
            throw new IllegalArgumentException("not an Ogg page at byte " + off);
        }
        if (len < 27) {
            return 0;
        }
        int segments = b[off + 26] & 0xff;
        if (len < 27 + segments) {
            return 0;
        }
        int length = 27 + segments;
        for (int i = 0; i < segments; i++) {
            length += b[off + 27 + i] & 0xff;
        }
        return len < length ? 0 : length;
    }

    /** The granule position of the page at {@code off} (-1: no packet ends on it). */
    public static long granule(byte[] b, int off) {
        return ByteBuffer.wrap(b, off + 6, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Ogg's CRC-32: polynomial 0x04c11db7, no reflection, initial value 0. */
    static int crc(byte[] data) {
        int crc = 0;
        for (byte d : data) {
            crc = (crc << 8) ^ CRC[((crc >>> 24) ^ (d & 0xff)) & 0xff];
        }
        return crc;
    }

    private static int[] table() {
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int j = 0; j < 8; j++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04c11db7 : r << 1;
            }
            t[i] = r;
        }
        return t;
    }
}
