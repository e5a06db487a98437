package dev.nagare.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class FieldsTest {
    @Test
    void validTextPasses() {
        Fields f = new Fields();
        JsonObject body = new JsonObject().put("name", "流れ 🌊").put("text", "line 1\nline 2");
        assertThat(f.text(body, "name", 1, 5, false)).isEqualTo("流れ 🌊"); // 4 code points
        assertThat(f.text(body, "text", 1, 100, true)).isEqualTo("line 1\nline 2");
        assertThat(f.ok()).isTrue();
    }

    @Test
    void eachBadFieldGetsItsOwnClearMessage() {
        Fields f = new Fields();
        JsonObject body = new JsonObject().put("a", "").put("b", 5).put("c", "x\u0000y").put("d", "bad \ud800 text")
                .put("e", "one\ntwo").put("n", 2.5).put("m", 99);
        f.text(body, "a", 1, 10, false);
        f.text(body, "b", 1, 10, false);
        f.text(body, "c", 1, 10, false);
        f.text(body, "d", 1, 20, false);
        f.text(body, "e", 1, 20, false);
        f.text(body, "missing", 1, 10, false);
        f.integer(body, "n", 0, 10);
        f.integer(body, "m", 0, 10);
        assertThat(f.errors()).containsExactly(
                java.util.Map.entry("a", "must be 1 to 10 characters"),
                java.util.Map.entry("b", "must be a string"),
                java.util.Map.entry("c", "must not contain control characters"),
                java.util.Map.entry("d", "is not valid Unicode text"),
                java.util.Map.entry("e", "must not contain control characters"),
                java.util.Map.entry("missing", "is required"),
                java.util.Map.entry("n", "must be a whole number"),
                java.util.Map.entry("m", "must be from 0 to 10"));
        assertThat(f.problem().getString("error")).isEqualTo("invalid_input");
        assertThat(f.problem().getJsonObject("fields").getString("missing")).isEqualTo("is required");
    }

    @Test
    void bodiesMustBeStrictUtf8JsonObjectsOfBoundedSize() {
        assertThat(Fields.jsonObject(Buffer.buffer("{\"a\":1}"), 100)).isPresent();
        assertThat(Fields.jsonObject(Buffer.buffer(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'}), 100))
                .isEmpty(); // truncated UTF-8 sequence
        assertThat(Fields.jsonObject(Buffer.buffer("[1,2]"), 100)).isEmpty();
        assertThat(Fields.jsonObject(Buffer.buffer("{\"a\":\"" + "x".repeat(200) + "\"}"), 100)).isEmpty();
        assertThat(Fields.jsonObject(Buffer.buffer("not json"), 100)).isEmpty();
    }
}
