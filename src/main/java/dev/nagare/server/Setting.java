package dev.nagare.server;

import java.util.Locale;

/**
 * Every server setting, in one table: the CLI option, the environment variable, the YAML key and the
 * default all derive from the constant, so {@code --help}, the config loader and the README table
 * cannot drift apart. Precedence is flags > environment > config file > default (see
 * {@link ConfigResolver}).
 */
public enum Setting {
    HOST("host", "ADDRESS", "127.0.0.1",
            "Interface to listen on. Use 0.0.0.0 to accept connections from other machines."),
    PORT("port", "PORT", "8080", "TCP port to listen on; 0 picks a free port."),
    DATA_DIR("data-dir", "DIR", "./data", "Directory for the SQLite database and other state."),
    CONFIG("config", "FILE", null, "YAML config file whose keys are these option names."),
    LOG_FORMAT("log-format", "text|json", "text", "Log line format on standard output."),
    ACCESS_LOG("access-log", "true|false", "false", "Log one line per HTTP request."),
    MAX_BODY("max-body", "BYTES", "1048576", "Largest HTTP request body accepted under /api/."),
    IDLE_TIMEOUT("idle-timeout", "SECONDS", "90", "Close HTTP connections idle for this long."),
    SHUTDOWN_TIMEOUT("shutdown-timeout", "SECONDS", "10",
            "On SIGTERM/SIGINT, how long to let open requests and streams drain.");

    private final String key;
    private final String label;
    private final String defaultValue;
    private final String description;

    Setting(String key, String label, String defaultValue, String description) {
        this.key = key;
        this.label = label;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The kebab-case name used as {@code --key} and as the YAML key. */
    public String key() {
        return key;
    }

    public String option() {
        return "--" + key;
    }

    public String envVar() {
        return "NAGARE_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    public String label() {
        return label;
    }

    /** The built-in default, or null when the setting has none. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public static Setting byKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }
}
