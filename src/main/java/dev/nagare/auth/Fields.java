package dev.nagare.auth;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Input validation shared by every app: strict UTF-8, a JSON object of bounded size, and fields
 * checked for type, length and characters, with one clear message per field:
 *
 * <pre>{@code
 * Fields f = new Fields();
 * String text = f.text(body, "text", 1, 2000, true);
 * if (!f.ok()) return reply400(f.errors());   // {"text": "must be 1 to 2000 characters"}
 * }</pre>
 */
public final class Fields {
    private final Map<String, String> errors = new LinkedHashMap<>();

    /** The body as a JSON object, if it is strict UTF-8, at most {@code maxBytes}, and an object. */
    public static Optional<JsonObject> jsonObject(Buffer body, int maxBytes) {
        if (body == null || body.length() == 0 || body.length() > maxBytes) {
            return Optional.empty();
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body.getBytes())).toString();
            return Optional.of(new JsonObject(text));
        } catch (CharacterCodingException | DecodeException | ClassCastException e) {
            return Optional.empty();
        }
    }

    /**
     * A required string of {@code min} to {@code max} characters (code points), well-formed (no lone
     * surrogates) and without control characters (newlines and tabs allowed when {@code multiline}).
     * Returns null and records the problem otherwise.
     */
    public String text(JsonObject body, String name, int min, int max, boolean multiline) {
        Object v = body == null ? null : body.getValue(name);
        if (!(v instanceof String s)) {
            errors.put(name, v == null ? "is required" : "must be a string");
            return null;
        }
        return check(name, s, min, max, multiline);
    }

    /** The same checks for a value that did not come from JSON (a Socket.IO argument, a form field). */
    public String check(String name, Object value, int min, int max, boolean multiline) {
        if (!(value instanceof String s)) {
            errors.put(name, value == null ? "is required" : "must be a string");
            return null;
        }
        int length = s.codePointCount(0, s.length());
        if (length < min || length > max) {
            errors.put(name, min == max ? "must be " + min + " characters" : "must be " + min + " to " + max + " characters");
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    errors.put(name, "is not valid Unicode text");
                    return null;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                errors.put(name, "is not valid Unicode text");
                return null;
            } else if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7f) {
                errors.put(name, "must not contain control characters");
                return null;
            }
        }
        return s;
    }

    /** A required whole number within bounds, or null (recorded). */
    public Long integer(JsonObject body, String name, long min, long max) {
        Object v = body == null ? null : body.getValue(name);
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            errors.put(name, v == null ? "is required" : "must be a whole number");
            return null;
        }
        long l = n.longValue();
        if (l < min || l > max) {
            errors.put(name, "must be from " + min + " to " + max);
            return null;
        }
        return l;
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    /** Field name to message, in the order found. */
    public Map<String, String> errors() {
        return Collections.unmodifiableMap(errors);
    }

    /** The standard 400 body: {@code {"status":400,"error":"invalid_input","message":..,"fields":{..}}}. */
    public JsonObject problem() {
        StringBuilder m = new StringBuilder();
        errors.forEach((k, v) -> m.append(m.length() == 0 ? "" : "; ").append(k).append(' ').append(v));
        return new JsonObject().put("status", 400).put("error", "invalid_input").put("message", m.toString())
                .put("fields", new JsonObject(new LinkedHashMap<>(errors)));
    }
}
