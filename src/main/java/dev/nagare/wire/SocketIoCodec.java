package dev.nagare.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Socket.IO v5 packet encoding, carried in Engine.IO MESSAGE packets.
 *
 * <pre>
 * &lt;type&gt;[&lt;attachments&gt;-][&lt;namespace&gt;,][&lt;ack id&gt;][&lt;JSON data&gt;]
 *
 * 0{"token":"x"}                         CONNECT to "/" with auth
 * 0/admin,                               CONNECT to "/admin"
 * 40{"sid":"abc"}  (engine "4" + "0…")   CONNECT reply
 * 2["hello",1]                           EVENT
 * 2/admin,12["hello"]                    EVENT with ack id 12
 * 3/admin,12["ok"]                       ACK
 * 4{"message":"Not authorized"}          CONNECT_ERROR
 * 51-["file",{"_placeholder":true,"num":0}]  BINARY_EVENT; then 1 binary engine message
 * 61-12[{"_placeholder":true,"num":0}]       BINARY_ACK
 * </pre>
 *
 * The namespace "/" is omitted on the wire. Binary values ({@code byte[]} or {@code ByteBuffer})
 * anywhere in the data are replaced by placeholders and sent as separate binary messages.
 */
public final class SocketIoCodec {
    /** Event names the protocol reserves; a client may not emit them (socket.io-parser). */
    public static final Set<String> RESERVED_EVENTS = Set.of(
            "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");
    private static final int MAX_ID_DIGITS = 15;

    /** An encoded packet: the text part and the binary attachments that follow it. */
    public record Encoded(String text, List<byte[]> attachments) {
    }

    /** A decoded text part still waiting for {@code expected} binary attachments. */
    public record Partial(SocketPacket packet, int expected) {
    }

    private final ObjectMapper mapper;
    private final ObjectReader reader; // exactly one JSON value: trailing data is invalid, as for JSON.parse
    private final int maxAttachments;

    public SocketIoCodec(ObjectMapper mapper, int maxAttachments) {
        this.mapper = mapper;
        this.reader = mapper.readerFor(Object.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.maxAttachments = maxAttachments;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public Encoded encode(SocketPacket p) {
        List<byte[]> attachments = Collections.emptyList();
        Object data = p.data();
        SocketPacketType type = p.type();
        if ((type == SocketPacketType.EVENT || type == SocketPacketType.ACK) && data != null && hasBinary(data)) {
            attachments = new ArrayList<>();
            data = deconstruct(data, attachments);
            type = type == SocketPacketType.EVENT ? SocketPacketType.BINARY_EVENT : SocketPacketType.BINARY_ACK;
        }
        StringBuilder b = new StringBuilder(64);
        b.append(type.code());
        if (type.isBinary()) {
            b.append(attachments.size()).append('-');
        }
        if (!"/".equals(p.namespace())) {
            b.append(p.namespace()).append(',');
        }
        if (p.hasId()) {
            b.append(p.id());
        }
        if (data != null) {
            try {
                b.append(mapper.writeValueAsString(data));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot encode packet data as JSON: " + e.getOriginalMessage(), e);
            }
        }
        return new Encoded(b.toString(), attachments);
    }

    /**
     * Decodes the text part of a packet. For BINARY_* the result is a {@link Partial} whose packet
     * still holds placeholders; complete it with {@link #reconstruct} once the attachments arrive.
     */
    public Partial decode(String s) throws ProtocolException {
        if (s.isEmpty()) {
            throw new ProtocolException("empty packet");
        }
        SocketPacketType type = SocketPacketType.of(s.charAt(0));
        if (type == null) {
            throw new ProtocolException("unknown packet type");
        }
        int i = 1;
        int attachments = 0;
        if (type.isBinary()) {
            int dash = s.indexOf('-', i);
            if (dash < 0 || dash == i || dash - i > 3) {
                throw new ProtocolException("illegal attachments");
            }
            for (int k = i; k < dash; k++) {
                if (!isDigit(s.charAt(k))) {
                    throw new ProtocolException("illegal attachments");
                }
            }
            attachments = Integer.parseInt(s, i, dash, 10);
            if (attachments > maxAttachments) {
                throw new ProtocolException("too many attachments");
            }
            i = dash + 1;
        }
        String namespace = "/";
        if (i < s.length() && s.charAt(i) == '/') {
            int comma = s.indexOf(',', i);
            int end = comma < 0 ? s.length() : comma;
            namespace = s.substring(i, end);
            i = comma < 0 ? s.length() : comma + 1;
        }
        long id = SocketPacket.NO_ID;
        if (i < s.length() && isDigit(s.charAt(i))) {
            int start = i;
            while (i < s.length() && isDigit(s.charAt(i))) {
                i++;
            }
            if (i - start > MAX_ID_DIGITS) {
                throw new ProtocolException("ack id too long");
            }
            id = Long.parseLong(s, start, i, 10);
        }
        Object data = null;
        if (i < s.length()) {
            try {
                data = reader.readValue(s.substring(i));
            } catch (JsonProcessingException e) {
                throw new ProtocolException("invalid payload");
            }
        }
        check(type, data, i < s.length());
        SocketPacketType logical = switch (type) {
            case BINARY_EVENT -> SocketPacketType.EVENT;
            case BINARY_ACK -> SocketPacketType.ACK;
            default -> type;
        };
        return new Partial(new SocketPacket(logical, namespace, id, data), attachments);
    }

    private static void check(SocketPacketType type, Object data, boolean present) throws ProtocolException {
        boolean valid = switch (type) {
            case CONNECT -> !present || data instanceof Map;
            case DISCONNECT -> !present;
            case CONNECT_ERROR -> data instanceof Map || data instanceof String;
            case EVENT, BINARY_EVENT -> data instanceof List<?> l && !l.isEmpty()
                    && (l.get(0) instanceof String name && !RESERVED_EVENTS.contains(name) || l.get(0) instanceof Number);
            case ACK, BINARY_ACK -> data instanceof List;
        };
        if (!valid) {
            throw new ProtocolException("invalid payload");
        }
    }

    /** Replaces the placeholders in {@code partial} with {@code attachments}. */
    public SocketPacket reconstruct(Partial partial, List<byte[]> attachments) throws ProtocolException {
        SocketPacket p = partial.packet();
        return new SocketPacket(p.type(), p.namespace(), p.id(), fill(p.data(), attachments));
    }

    private static Object fill(Object data, List<byte[]> attachments) throws ProtocolException {
        if (data instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(fill(o, attachments));
            }
            return out;
        }
        if (data instanceof Map<?, ?> map) {
            if (Boolean.TRUE.equals(map.get("_placeholder")) && map.size() == 2) {
                if (map.get("num") instanceof Integer n && n >= 0 && n < attachments.size()) {
                    return attachments.get(n);
                }
                throw new ProtocolException("illegal attachments");
            }
            Map<Object, Object> out = new LinkedHashMap<>(map.size() * 2);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(e.getKey(), fill(e.getValue(), attachments));
            }
            return out;
        }
        return data;
    }

    static boolean hasBinary(Object data) {
        if (data instanceof byte[] || data instanceof ByteBuffer) {
            return true;
        }
        if (data instanceof List<?> list) {
            for (Object o : list) {
                if (hasBinary(o)) {
                    return true;
                }
            }
        } else if (data instanceof Map<?, ?> map) {
            for (Object o : map.values()) {
                if (hasBinary(o)) {
                    return true;
                }
            }
        } else if (data instanceof Object[] array) {
            for (Object o : array) {
                if (hasBinary(o)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Object deconstruct(Object data, List<byte[]> attachments) {
        if (data instanceof byte[] bytes) {
            return placeholder(bytes, attachments);
        }
        if (data instanceof ByteBuffer buf) {
            byte[] bytes = new byte[buf.remaining()];
            buf.duplicate().get(bytes);
            return placeholder(bytes, attachments);
        }
        if (data instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(deconstruct(o, attachments));
            }
            return out;
        }
        if (data instanceof Object[] array) {
            List<Object> out = new ArrayList<>(array.length);
            for (Object o : array) {
                out.add(deconstruct(o, attachments));
            }
            return out;
        }
        if (data instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>(map.size() * 2);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(e.getKey(), deconstruct(e.getValue(), attachments));
            }
            return out;
        }
        return data;
    }

    private static Map<String, Object> placeholder(byte[] bytes, List<byte[]> attachments) {
        Map<String, Object> p = new LinkedHashMap<>(4);
        p.put("_placeholder", true);
        p.put("num", attachments.size());
        attachments.add(bytes);
        return p;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
