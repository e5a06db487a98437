package dev.nagare.apps.feed;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a feed is made, as written in the config file ({@code feeds:}), the {@code --feeds} JSON, or
 * {@code POST /api/feeds} by an admin:
 * <pre>
 * {"name": "market",  "type": "market", "rate": 10, "symbols": ["NGR", "ACME"]}
 * {"name": "sensors", "type": "iot", "rate": 2, "sensors": 3}
 * {"name": "weather", "type": "http", "url": "http://...", "interval": 30,
 *  "fields": {"temp": "/current/temperature_2m"}}
 * {"name": "lab",     "type": "push"}      samples arrive through the publish API only
 * </pre>
 * Any feed may say {@code "persist": true} (its history survives restarts) and {@code "description"}.
 */
public record FeedSpec(String name, Type type, String description, double rate, List<String> symbols, int sensors,
        String url, int intervalSeconds, Map<String, String> fields, boolean persist) {

    public enum Type { MARKET, IOT, HTTP, PUSH }

    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9.]{1,12}");

    /** The feeds Nagare runs when none are configured: a market ticker and IoT sensors. */
    public static List<FeedSpec> defaults() {
        return List.of(parse(new JsonObject().put("name", "market").put("type", "market")
                        .put("description", "Simulated market: random-walk prices and volumes")),
                parse(new JsonObject().put("name", "sensors").put("type", "iot")
                        .put("description", "Simulated IoT sensors: temperature, humidity, pressure, CO2")));
    }

    /** Parses a JSON array of specs; throws IllegalArgumentException with a plain reason. */
    public static List<FeedSpec> parseList(String json) {
        JsonArray array;
        try {
            array = new JsonArray(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("feeds must be a JSON/YAML list of feed objects: " + e.getMessage());
        }
        List<FeedSpec> out = new ArrayList<>();
        for (Object o : array) {
            if (!(o instanceof JsonObject j)) {
                throw new IllegalArgumentException("each feed must be an object like {\"name\":\"market\",\"type\":\"market\"}");
            }
            FeedSpec spec = parse(j);
            if (out.stream().anyMatch(f -> f.name().equals(spec.name()))) {
                throw new IllegalArgumentException("two feeds are named '" + spec.name() + "'");
            }
            out.add(spec);
        }
        return out;
    }

    public static FeedSpec parse(JsonObject j) {
        String name = j.getValue("name") instanceof String s ? s : "";
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("feed name '" + name + "': 1 to 32 characters, a-z 0-9 _ -");
        }
        Type type;
        try {
            type = Type.valueOf(String.valueOf(j.getValue("type", "push")).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("feed '" + name + "': type must be market, iot, http or push");
        }
        double rate = number(j, "rate", type == Type.MARKET ? 10 : 2, 0.01, 100, name);
        int sensors = (int) number(j, "sensors", 3, 1, 50, name);
        List<String> symbols = new ArrayList<>();
        if (j.getValue("symbols") instanceof JsonArray a) {
            for (Object s : a) {
                if (!(s instanceof String sym) || !SYMBOL.matcher(sym).matches()) {
                    throw new IllegalArgumentException("feed '" + name + "': symbols are 1 to 12 of A-Z 0-9 .");
                }
                symbols.add(sym);
            }
        }
        if (symbols.isEmpty()) {
            symbols = List.of("NGR", "ACME", "GLOBX", "KAIJU");
        }
        String url = null;
        int interval = (int) number(j, "interval", 10, 1, 86_400, name);
        Map<String, String> fields = new LinkedHashMap<>();
        if (type == Type.HTTP) {
            url = j.getValue("url") instanceof String u ? u : "";
            if (!url.matches("https?://[^\\s]{1,2000}")) {
                throw new IllegalArgumentException("feed '" + name + "': url must be an http:// or https:// URL");
            }
            if (!(j.getValue("fields") instanceof JsonObject f) || f.isEmpty()) {
                throw new IllegalArgumentException("feed '" + name + "': fields must map keys to JSON Pointers,"
                        + " e.g. {\"temp\": \"/current/temperature\"}");
            }
            for (String key : f.fieldNames()) {
                Object pointer = f.getValue(key);
                if (!FeedSample.KEY.matcher(key).matches() || !(pointer instanceof String p)) {
                    throw new IllegalArgumentException("feed '" + name + "': field '" + key + "' needs a key of a-z A-Z"
                            + " 0-9 _ . - and a JSON Pointer string");
                }
                try {
                    JsonPointer.from(p);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("feed '" + name + "': '" + p + "' is not a JSON Pointer");
                }
                fields.put(key, p);
            }
        }
        String description = j.getValue("description") instanceof String d ? d.strip() : "";
        if (description.length() > 200) {
            throw new IllegalArgumentException("feed '" + name + "': description is at most 200 characters");
        }
        return new FeedSpec(name, type, description, rate, List.copyOf(symbols), sensors, url, interval,
                Map.copyOf(fields), Boolean.TRUE.equals(j.getValue("persist")));
    }

    public JsonObject toJson() {
        JsonObject j = new JsonObject().put("name", name).put("type", type.name().toLowerCase(Locale.ROOT))
                .put("description", description).put("persist", persist);
        switch (type) {
            case MARKET -> j.put("rate", rate).put("symbols", new JsonArray(symbols));
            case IOT -> j.put("rate", rate).put("sensors", sensors);
            case HTTP -> j.put("url", url).put("interval", intervalSeconds).put("fields", new JsonObject(new LinkedHashMap<>(fields)));
            case PUSH -> { }
        }
        return j;
    }

    private static double number(JsonObject j, String key, double fallback, double min, double max, String feed) {
        Object v = j.getValue(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n) || n.doubleValue() < min || n.doubleValue() > max) {
            throw new IllegalArgumentException("feed '" + feed + "': " + key + " must be a number from " + min + " to " + max);
        }
        return n.doubleValue();
    }
}
