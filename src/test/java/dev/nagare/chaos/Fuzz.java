package dev.nagare.chaos;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Hostile Engine.IO/Socket.IO packets: well-shaped events with random arguments (they reach the
 * applications' validation), and random or mutated packets (they reach the parsers).
 */
final class Fuzz {
    static final List<String> NAMESPACES = List.of("/", "/chat", "/feeds", "/game");
    private static final String[] EVENTS = {"send", "join", "leave", "history", "edit", "delete", "typing", "message",
        "subscribe", "unsubscribe", "input", "create", "rooms", "ping", "x", "__proto__", "constructor", ""};
    private static final String[] KEYS = {"room", "text", "clientId", "id", "before", "after", "limit", "feed",
        "_placeholder", "num", "name", "token", "pid", "offset", "x", "y", "dir", "seq", "__proto__"};

    private final SplittableRandom random;

    Fuzz(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** An event packet with random arguments for {@code namespace}: well framed, hostile content. */
    String event(String namespace) {
        StringBuilder b = new StringBuilder("42");
        if (!namespace.equals("/")) {
            b.append(namespace).append(',');
        }
        if (random.nextInt(3) == 0) {
            b.append(random.nextInt(1_000_000));
        }
        b.append("[\"").append(EVENTS[random.nextInt(EVENTS.length)]).append('"');
        int args = random.nextInt(3);
        for (int i = 0; i < args; i++) {
            b.append(',');
            value(b, 0);
        }
        return b.append(']').toString();
    }

    /** A packet likely to break a parser: random text, a mutation of a good packet, or a known trap. */
    String hostile(String namespace) {
        return switch (random.nextInt(10)) {
            case 0 -> randomText(1 + random.nextInt(200));
            case 1, 2, 3 -> mutate(event(namespace));
            case 4 -> "4" + "[".repeat(2000 + random.nextInt(20_000));                 // nesting bomb
            case 5 -> "45" + (1 + random.nextInt(10)) + "-[\"x\",{\"_placeholder\":true,\"num\":"
                    + random.nextInt(20) + "}]";                                         // attachments announced
            case 6 -> "42" + "9".repeat(10 + random.nextInt(30)) + "[\"x\"]";           // huge ack id
            case 7 -> "b" + randomText(random.nextInt(100));                             // bad base64
            case 8 -> String.valueOf("0123456789".charAt(random.nextInt(10))) + randomText(random.nextInt(50));
            default -> "40" + namespace + ",{\"token\":" + randomText(10) + "}";
        };
    }

    private void value(StringBuilder b, int depth) {
        int kind = depth > 3 ? random.nextInt(5) : random.nextInt(8);
        switch (kind) {
            case 0 -> b.append("null");
            case 1 -> b.append(random.nextBoolean());
            case 2 -> b.append(switch (random.nextInt(4)) {
                case 0 -> String.valueOf(random.nextLong());
                case 1 -> "1e308";
                case 2 -> "-0.000000000001";
                default -> String.valueOf(random.nextInt(1000));
            });
            case 3, 4 -> string(b, random.nextInt(8) == 0 ? 3000 + random.nextInt(5000) : random.nextInt(40));
            case 5 -> {
                b.append('[');
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    value(b, depth + 1);
                }
                b.append(']');
            }
            default -> {
                b.append('{');
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    b.append('"').append(KEYS[random.nextInt(KEYS.length)]).append("\":");
                    value(b, depth + 1);
                }
                b.append('}');
            }
        }
    }

    private void string(StringBuilder b, int length) {
        b.append('"');
        for (int i = 0; i < length; i++) {
            int c = switch (random.nextInt(6)) {
                case 0 -> 0x20 + random.nextInt(0x5f);
                case 1 -> 0x80 + random.nextInt(0x780);
                case 2 -> 0x3040 + random.nextInt(0x60);
                case 3 -> 0xD800 + random.nextInt(0x800);   // lone surrogates
                case 4 -> random.nextInt(0x20);              // control characters
                default -> 'a' + random.nextInt(26);
            };
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            if (c < 0x20) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.append((char) c);
            }
        }
        b.append('"');
    }

    private String randomText(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append((char) random.nextInt(random.nextBoolean() ? 0x80 : 0x10000));
        }
        return b.toString();
    }

    private String mutate(String s) {
        StringBuilder b = new StringBuilder(s);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && b.length() > 0; i++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(3)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, "[]{}\",:-0123456789\\".charAt(random.nextInt(19)));
                default -> b.setCharAt(at, (char) random.nextInt(0x100));
            }
        }
        return b.toString();
    }
}
