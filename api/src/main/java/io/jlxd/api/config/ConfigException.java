package io.jlxd.api.config;

/** A configuration value or key that the schema refuses; the message names the key and the reason. */
public class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
