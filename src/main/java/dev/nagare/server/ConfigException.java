package dev.nagare.server;

/** A setting that cannot be used; the message names the setting, where it came from and what to change. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
