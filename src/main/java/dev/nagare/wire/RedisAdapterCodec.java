package dev.nagare.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The messages of the classic @socket.io/redis-adapter 8 (and @socket.io/redis-emitter 5) on Redis
 * pub/sub (CLUSTER_NOTES sections 2 and 5).
 *
 * <pre>
 *   broadcast, on P#N# or P#N#ROOM#      msgpack array  [uid, packet, opts]
 *       packet = {type: 2, data: [event, ...args], nsp: N}      (type 5 accepted; nsp missing = "/")
 *       opts   = {rooms: [...], except: [...], flags: {volatile?, compress?, local?, timeout?}}
 *       e.g. io.except("room2").emit("all", "x") from uid 7usewX:
 *       93 a6 "7usewX" 83 a4 "type" 02 a4 "data" 92 a3 "all" a1 "x" a3 "nsp" a1 "/"
 *          83 a5 "rooms" 90 a6 "except" 91 a5 "room2" a5 "flags" 80
 *   request, on P-request#N#             JSON {type, uid, requestId?, opts?, rooms?, data?, close?}
 *                                        (type 7, a broadcast with acks, is a msgpack map)
 *   response, on P-response#N#[UID#]     JSON {requestId, sockets? | rooms? | type: 6|8, data?, clientCount?}
 *                                        (type 9, one client's ack, is a msgpack map)
 * </pre>
 *
 * Requests and responses are sniffed: a first byte '{' is JSON, anything else msgpack. Binary
 * arguments are msgpack bin values inside the packet, never attachments.
 */
public final class RedisAdapterCodec {
    /** One broadcast between nodes; {@code flags} are passed on as they came (unknown keys too). */
    public record Broadcast(String uid, String nsp, List<Object> data, Set<String> rooms, Set<String> except,
                            Map<String, Object> flags) {
        public Broadcast {
            rooms = Set.copyOf(rooms);
            except = Set.copyOf(except);
            flags = Map.copyOf(flags);
        }

        public boolean flag(String name) {
            return Boolean.TRUE.equals(flags.get(name));
        }
    }

    private final ObjectMapper mapper;
    private final MsgpackCodec msgpack;

    public RedisAdapterCodec(ObjectMapper mapper) {
        this.mapper = mapper;
        this.msgpack = new MsgpackCodec(mapper);
    }

    public MsgpackCodec msgpack() {
        return msgpack;
    }

    public byte[] encodeBroadcast(Broadcast b) {
        Map<String, Object> packet = new LinkedHashMap<>();
        packet.put("type", 2);
        packet.put("data", b.data());
        packet.put("nsp", b.nsp());
        return msgpack.encode(List.of(b.uid(), packet, opts(b.rooms(), b.except(), b.flags())));
    }

    /** The {@code opts} map as Node writes it (flags only where it carries them). */
    public static Map<String, Object> opts(Set<String> rooms, Set<String> except, Map<String, Object> flags) {
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("rooms", List.copyOf(rooms));
        opts.put("except", List.copyOf(except));
        if (flags != null) {
            opts.put("flags", flags);
        }
        return opts;
    }

    public Broadcast decodeBroadcast(byte[] bytes) throws ProtocolException {
        if (!(msgpack.decode(bytes) instanceof List<?> args) || args.size() < 3) {
            throw new ProtocolException("a broadcast is a msgpack array [uid, packet, opts]");
        }
        if (!(args.get(1) instanceof Map<?, ?> packet)) {
            throw new ProtocolException("the packet of a broadcast is not a map");
        }
        Object type = packet.get("type");
        if (!(type instanceof Integer t) || (t != 2 && t != 5)) {
            throw new ProtocolException("a broadcast packet must be an EVENT (type 2), got " + type);
        }
        if (!(packet.get("data") instanceof List<?> data) || data.isEmpty()) {
            throw new ProtocolException("the packet of a broadcast has no data array");
        }
        Object nsp = packet.containsKey("nsp") ? packet.get("nsp") : "/";
        if (!(nsp instanceof String namespace)) {
            throw new ProtocolException("the namespace of a broadcast is not a string");
        }
        Map<?, ?> opts = args.get(2) instanceof Map<?, ?> m ? m : Map.of();
        Map<String, Object> flags = new LinkedHashMap<>();
        if (opts.get("flags") instanceof Map<?, ?> f) {
            f.forEach((k, v) -> {
                if (v != null) {
                    flags.put(String.valueOf(k), v);
                }
            });
        }
        return new Broadcast(args.get(0) instanceof String uid ? uid : "", namespace, new ArrayList<>(data),
                strings(opts.get("rooms"), "rooms"), strings(opts.get("except"), "except"), flags);
    }

    /** A list of room names; missing is empty. */
    public static Set<String> strings(Object value, String what) throws ProtocolException {
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new ProtocolException(what + " is not an array");
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new ProtocolException(what + " holds a " + (o == null ? "null" : "non-string"));
            }
            out.add(s);
        }
        return out;
    }

    public byte[] json(Map<String, Object> message) {
        try {
            return mapper.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + message.keySet() + " as JSON: " + e.getMessage(), e);
        }
    }

    /** A request or response: JSON when it starts with '{', msgpack otherwise; always a map. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> decodeMessage(byte[] bytes) throws ProtocolException {
        Object value;
        if (bytes.length > 0 && bytes[0] == '{') {
            try {
                value = mapper.readValue(bytes, Object.class);
            } catch (java.io.IOException e) {
                throw new ProtocolException("bad JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
            }
        } else {
            value = msgpack.decode(bytes);
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new ProtocolException("a request or response is a map");
        }
        return (Map<String, Object>) map;
    }
}
