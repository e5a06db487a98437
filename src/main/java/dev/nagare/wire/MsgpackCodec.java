package dev.nagare.wire;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;

/**
 * MessagePack as notepack.io 3 writes it: the encoding of @socket.io/redis-adapter 8 and
 * @socket.io/redis-emitter 5 (CLUSTER_NOTES section 1).
 *
 * <pre>
 *   String                 str (fixstr, str8, str16, str32), never bin: a bin reaches Node clients as binary
 *   integral numbers       the smallest int form: 0..127 fixint, cc/cd/ce/cf uint, e0.. d0/d1/d2/d3 int
 *   other numbers          float64 (cb)
 *   null                   nil (c0)
 *   byte[] / ByteBuffer    bin (c4, c5, c6)
 *   List / Object[]        array (9x, dc, dd);  Map: map (8x, de, df) with string keys
 *   timestamp ext -1       (d6 ff + 4-byte seconds, d7 ff, c7 0c ff) decodes to the ISO text a Node
 *                          server would send its clients, e.g. 1970-01-01T00:00:00.000Z
 * </pre>
 *
 * Decoding gives Map (insertion ordered), List, String, Integer or Long (BigInteger past a long),
 * Double, Boolean, byte[] and null: the same shapes the Socket.IO codec gives, so a packet from Redis
 * is delivered like one from a client. Other objects (records, beans) are encoded as Jackson sees them.
 */
public final class MsgpackCodec {
    /** Deeper nesting than this is refused, so a hostile message cannot exhaust the stack. */
    static final int MAX_DEPTH = 64;

    /** Date.prototype.toISOString: always milliseconds, always UTC. */
    private static final DateTimeFormatter JS_ISO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ObjectMapper mapper;

    public MsgpackCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Whether {@code value} is plain data (text, numbers, booleans, null, and lists and string-keyed
     * maps of them): what may leave this process in a cluster message. Application objects (a
     * logged-in principal holds its session credential) stay home.
     */
    public static boolean plain(Object value) {
        return plain(value, 0);
    }

    private static boolean plain(Object v, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return true;
        }
        if (v instanceof List<?> list) {
            return list.stream().allMatch(x -> plain(x, depth + 1));
        }
        if (v instanceof Map<?, ?> map) {
            return map.keySet().stream().allMatch(k -> k instanceof String)
                    && map.values().stream().allMatch(x -> plain(x, depth + 1));
        }
        return false;
    }

    public byte[] encode(Object value) {
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
            write(packer, value, 0);
            return packer.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("msgpack encoding failed", e); // memory only: never happens
        }
    }

    private void write(MessagePacker out, Object value, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("nested deeper than " + MAX_DEPTH);
        }
        if (value == null) {
            out.packNil();
        } else if (value instanceof String s) {
            out.packString(s);
        } else if (value instanceof Boolean b) {
            out.packBoolean(b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            out.packLong(((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            if (big.bitLength() < 64) {
                out.packLong(big.longValue());
            } else {
                out.packBigInteger(big);
            }
        } else if (value instanceof Number n) {
            double d = n.doubleValue();
            // notepack writes a JavaScript number that is a safe integer as an int, like 3 for 3.0.
            if (d == Math.rint(d) && Math.abs(d) <= 9007199254740991d && !(d == 0 && 1 / d < 0)) {
                out.packLong((long) d);
            } else {
                out.packDouble(d);
            }
        } else if (value instanceof byte[] bytes) {
            out.packBinaryHeader(bytes.length);
            out.writePayload(bytes);
        } else if (value instanceof ByteBuffer buf) {
            byte[] bytes = new byte[buf.remaining()];
            buf.duplicate().get(bytes);
            out.packBinaryHeader(bytes.length);
            out.writePayload(bytes);
        } else if (value instanceof Map<?, ?> map) {
            out.packMapHeader(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.packString(String.valueOf(e.getKey()));
                write(out, e.getValue(), depth + 1);
            }
        } else if (value instanceof List<?> list) {
            out.packArrayHeader(list.size());
            for (Object o : list) {
                write(out, o, depth + 1);
            }
        } else if (value instanceof Object[] array) {
            write(out, List.of(array), depth);
        } else if (value instanceof Character c) {
            out.packString(c.toString());
        } else {
            write(out, mapper.convertValue(value, Object.class), depth);
        }
    }

    /** Decodes one value; trailing bytes or malformed input throw {@link ProtocolException}. */
    public Object decode(byte[] bytes) throws ProtocolException {
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(bytes)) {
            Object value = read(in, 0, bytes.length);
            if (in.hasNext()) {
                throw new ProtocolException("trailing bytes after a msgpack value");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new ProtocolException("bad msgpack: " + e.getMessage());
        }
    }

    private static Object read(MessageUnpacker in, int depth, long size) throws IOException, ProtocolException {
        if (depth > MAX_DEPTH) {
            throw new ProtocolException("nested deeper than " + MAX_DEPTH);
        }
        switch (in.getNextFormat().getValueType()) {
            case NIL -> {
                in.unpackNil();
                return null;
            }
            case BOOLEAN -> {
                return in.unpackBoolean();
            }
            case INTEGER -> {
                BigInteger big = in.unpackBigInteger();
                if (big.bitLength() < 32) {
                    return big.intValue();
                }
                return big.bitLength() < 64 ? (Object) big.longValue() : big;
            }
            case FLOAT -> {
                return in.unpackDouble();
            }
            case STRING -> {
                return in.unpackString();
            }
            case BINARY -> {
                return in.readPayload(checkedLength(in, size, in.unpackBinaryHeader()));
            }
            case ARRAY -> {
                int n = checkedLength(in, size, in.unpackArrayHeader());
                List<Object> list = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    list.add(read(in, depth + 1, size));
                }
                return list;
            }
            case MAP -> {
                int n = checkedLength(in, size, in.unpackMapHeader());
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    Object key = read(in, depth + 1, size);
                    map.put(String.valueOf(key), read(in, depth + 1, size));
                }
                return map;
            }
            case EXTENSION -> {
                ExtensionTypeHeader ext = in.unpackExtensionTypeHeader();
                if (ext.getType() == -1) {
                    // A Date: Node sends it on to clients as its ISO text.
                    return JS_ISO.format(in.unpackTimestamp(ext));
                }
                in.readPayload(checkedLength(in, size, ext.getLength()));
                return null; // an extension nobody here defines: notepack gives undefined
            }
            default -> throw new ProtocolException("unknown msgpack format");
        }
    }

    /** A length can be no longer than what is left of the message: a forged header cannot allocate. */
    private static int checkedLength(MessageUnpacker in, long size, int n) throws ProtocolException {
        if (n < 0 || n > size - in.getTotalReadBytes()) {
            throw new ProtocolException("a length of " + Integer.toUnsignedString(n) + " runs past the message");
        }
        return n;
    }
}
